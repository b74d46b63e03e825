// Tokenises nnl scripts with VS Code's own TextMate engine (npm vscode-textmate
// and vscode-oniguruma) and the generated grammar; prints one line per token
// that is not blank: "LINE:COL TEXT  SCOPES" (without the root source.nnl).
// usage: NODE_PATH=build/npm/node_modules node textmate.js GRAMMAR FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const [grammarPath, ...files] = process.argv.slice(2);
const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scope) => scope === 'source.nnl'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
});

registry.loadGrammar('source.nnl').then((grammar) => {
    if (!grammar) throw new Error('the grammar did not load');
    for (const file of files) {
        let state = vsctm.INITIAL;
        fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
            const r = grammar.tokenizeLine(line, state);
            for (const t of r.tokens) {
                const text = line.substring(t.startIndex, t.endIndex);
                const scopes = t.scopes.filter((s) => s !== 'source.nnl');
                if (text.trim() === '' || scopes.length === 0) continue;
                console.log(`${i + 1}:${t.startIndex + 1} ${text.trim()}  ${scopes.join(' ')}`);
            }
            state = r.ruleStack;
        });
    }
}).catch((e) => { console.error(String(e)); process.exit(1); });
