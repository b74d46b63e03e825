/* The settings init, loss, optimizer and regularize, and finding a model or
 * data set by name (settings.c). */
#ifndef NNL_SETTINGS_H
#define NNL_SETTINGS_H
#include "lang/interp.h"

/* the function an init, loss, optimizer or regularize setting names, with
 * its settings fixed, kept beyond the statement */
const Callable *setting_function(Interp *I, const Node *setting);
void exec_setting(Interp *I, const Node *n);
/* an error "'STMT' needs EXAMPLE first" when s was never set */
void need_setting(Setting *s, const char *stmt, const char *example, SrcLoc loc);
/* a model or data set by name, or an error with a "did you mean" */
Model *find_model(Interp *I, const char *name, SrcLoc loc);
Dataset *find_data(Interp *I, const char *name, SrcLoc loc);

#endif
