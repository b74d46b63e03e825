// The nnl extension: starts `nnl lsp` and hands .nnl files to it.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
    const command = vscode.workspace.getConfiguration('nnl').get('path') || 'nnl';
    client = new LanguageClient('nnl', 'nnl', { command, args: ['lsp'] },
                                { documentSelector: [{ scheme: 'file', language: 'nnl' }] });
    context.subscriptions.push(client);
    return client.start();
}

function deactivate() { return client ? client.stop() : undefined; }

module.exports = { activate, deactivate };
