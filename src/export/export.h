/* `export NET "FILE.onnx"` and `import NET "FILE.onnx"` (commands.c;
 * docs/export.md): the commands of the export stage. */
#ifndef NNL_EXPORT_H
#define NNL_EXPORT_H

/* adds export and import to the commands (teach/command_table.h); called once at start-up */
void export_register_commands(void);

#endif
