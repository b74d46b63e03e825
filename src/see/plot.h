/* The statements of the pictures stage (plot.c): added to the REPL's
 * commands by the command line at start-up. */
#ifndef NNL_PLOT_H
#define NNL_PLOT_H

/* `plot loss`, `plot gradients NET on DATA`, `plot activations NET on DATA`,
 * `plot NET on DATA`, each `[to "FILE.svg"]` */
void see_register_commands(void);

#endif
