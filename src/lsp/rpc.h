/* JSON-RPC messages of the Language Server Protocol over a byte stream:
 * "Content-Length: N\r\n\r\n" then N bytes of JSON (cJSON). */
#ifndef NNL_LSP_RPC_H
#define NNL_LSP_RPC_H
#include <cjson/cJSON.h>
#include <stdio.h>

/* The next message from in: NULL at the end of the stream; *bad is set (and
 * NULL returned) for a message that is not JSON, which is then skipped. */
cJSON *rpc_read(FILE *in, int *bad);
/* writes msg (and frees it) with its header; flushes */
void rpc_write(FILE *out, cJSON *msg);
/* {"jsonrpc":"2.0","id":id,"result":result}; id is copied */
cJSON *rpc_result(const cJSON *id, cJSON *result);
/* {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":message}} */
cJSON *rpc_error(const cJSON *id, int code, const char *message);
/* {"jsonrpc":"2.0","method":method,"params":params} */
cJSON *rpc_notification(const char *method, cJSON *params);

enum { RPC_PARSE_ERROR = -32700, RPC_INVALID_REQUEST = -32600, RPC_METHOD_NOT_FOUND = -32601,
       RPC_SERVER_NOT_INITIALIZED = -32002 };

#endif
