// Runs the VS Code extension (editors/vscode/extension.js) in Node with the
// real vscode-languageclient (npm, build/npm) and a stand-in `vscode` module
// (vscode.js here), as VS Code runs it when an .nnl file is opened: activate
// starts `nnl lsp` with the extension's own server options; the test then
// reads the diagnostics VS Code would underline, asks the providers the
// client registered for hover, completion and definition, edits the file,
// and deactivates.  Prints what it sees, one line per fact, $TMP for the
// scratch folder (tests/workplace/vscode/client.out is the golden output).
// usage: NODE_PATH=build/npm/node_modules node client.js NNL EXTENSION_DIR
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const mock = path.join(__dirname, 'vscode.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? mock : resolve.call(this, request, ...rest);
};
const vscode = require('vscode');
const record = vscode.__record;

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nnl-vscode-')));
const nnl = path.resolve(process.argv[2]);
const extension = path.resolve(process.argv[3]);
const root = path.resolve(__dirname, '..', '..', '..');
const prefix = path.resolve(path.dirname(nnl), '..');         // where nnl is installed: PREFIX/bin/nnl
const show = (x) => JSON.stringify(x).split(tmp).join('$TMP').split(prefix).join('$PREFIX').split(root).join('$ROOT');

function timeout(ms, what) {
    return new Promise((_, reject) => setTimeout(() => reject(new Error('no ' + what + ' after ' + ms + ' ms')), ms).unref());
}

// the diagnostics of uri the next time the client publishes them
function nextDiagnostics(uri) {
    return Promise.race([new Promise((done) => {
        record.onDiagnostics = (u) => { if (u === uri) { record.onDiagnostics = undefined; done(record.diagnostics.get(u)); } };
    }), timeout(20000, 'diagnostics')]);
}

function document(file, text) {
    return {
        uri: vscode.Uri.file(file), fileName: file, languageId: 'nnl', version: 1, text,
        isClosed: false, isDirty: false, isUntitled: false, eol: 1,
        getText() { return this.text; },
        get lineCount() { return this.text.split('\n').length; },
        save: () => Promise.resolve(true),
    };
}

function printDiagnostics(what, list) {
    console.log(what + ': ' + list.length + ' diagnostic' + (list.length === 1 ? '' : 's'));
    for (const d of list) {
        const r = d.range;
        console.log('  ' + r.start.line + ':' + r.start.character + '-' + r.end.line + ':' + r.end.character +
                    ' severity ' + d.severity + ' ' + show(d.message));
    }
}

function provider(kind) {
    const list = record.providers[kind] || [];
    if (list.length !== 1) throw new Error(list.length + ' ' + kind + ' registered');
    return list[0].provider;
}

const token = new vscode.CancellationTokenSource().token;

async function hover(doc, line, character) {
    const h = await provider('registerHoverProvider').provideHover(doc, new vscode.Position(line, character), token);
    const text = h ? h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n') : '(none)';
    console.log('hover ' + line + ':' + character + ':');
    for (const l of text.trimEnd().split('\n')) console.log('  | ' + l);
}

async function complete(doc, line, character) {
    const r = await provider('registerCompletionItemProvider').provideCompletionItems(
        doc, new vscode.Position(line, character), token, { triggerKind: 0 });
    const items = Array.isArray(r) ? r : r ? r.items : [];
    const labels = items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    console.log('completion ' + line + ':' + character + ': ' + items.length + ' items: ' +
                labels.slice(0, 12).join(' ') + (labels.length > 12 ? ' ...' : ''));
    return labels;
}

async function definition(doc, line, character) {
    const r = await provider('registerDefinitionProvider').provideDefinition(doc, new vscode.Position(line, character), token);
    const list = Array.isArray(r) ? r : r ? [r] : [];
    console.log('definition ' + line + ':' + character + ': ' + list.map((l) => {
        const uri = l.uri || l.targetUri, range = l.range || l.targetSelectionRange;
        return show(uri.toString()) + ' ' + range.start.line + ':' + range.start.character;
    }).join(', '));
}

// what VS Code requires of the extension's package.json, and what the client needs of it
function manifest() {
    const semver = require('semver');
    const pkg = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
    const client = JSON.parse(fs.readFileSync(require.resolve('vscode-languageclient/package.json'), 'utf8'));
    const fact = (ok, what) => console.log('manifest: ' + (ok ? 'ok ' : 'WRONG ') + what);
    fact(/^[a-z0-9][a-z0-9-]*$/.test(pkg.name) && pkg.publisher && semver.valid(pkg.version),
         'name, publisher and a semver version');
    const least = pkg.engines && semver.minVersion(pkg.engines.vscode);
    fact(least && semver.satisfies(least, client.engines.vscode),
         'engines.vscode asks at least for what vscode-languageclient ' + client.version + ' needs (' +
         client.engines.vscode + ')');
    fact(semver.satisfies(client.version, pkg.dependencies['vscode-languageclient']),
         'dependencies.vscode-languageclient allows the tested ' + client.version);
    const languages = pkg.contributes.languages, grammars = pkg.contributes.grammars;
    const onLanguage = (pkg.activationEvents || []).includes('onLanguage:nnl');
    fact(onLanguage || (least && semver.gte(least, '1.74.0')),
         'it activates on an nnl file (onLanguage:nnl, or implied by contributes.languages from VS Code 1.74)');
    fact(languages.length === 1 && languages[0].id === 'nnl' && languages[0].extensions.includes('.nnl'),
         'contributes.languages: nnl for .nnl files');
    const conf = languages[0].configuration && path.join(extension, languages[0].configuration);
    fact(conf && fs.existsSync(conf) && JSON.parse(fs.readFileSync(conf, 'utf8')).comments.lineComment === '#',
         'its language configuration is there (# comments)');
    const grammar = grammars.length === 1 && path.join(extension, grammars[0].path);
    const tm = grammar && fs.existsSync(grammar) ? JSON.parse(fs.readFileSync(grammar, 'utf8')) : {};
    fact(grammars.length === 1 && grammars[0].language === 'nnl' && tm.scopeName === grammars[0].scopeName,
         'contributes.grammars: the TextMate grammar is there, with its scope name ' + tm.scopeName);
    const main = require(path.join(extension, pkg.main));
    fact(typeof main.activate === 'function' && typeof main.deactivate === 'function', 'main exports activate and deactivate');
    const source = fs.readFileSync(path.join(extension, pkg.main), 'utf8');
    const read = [...source.matchAll(/getConfiguration\('(\w+)'\)\.get\('(\w+)'\)/g)].map((m) => m[1] + '.' + m[2]);
    const props = pkg.contributes.configuration.properties;
    fact(read.length > 0 && read.every((k) => k in props), 'the settings it reads are declared: ' + read.join(' '));
}

async function main() {
    manifest();
    record.config['nnl.path'] = nnl;
    const file = path.join(tmp, 'net.nnl');
    const bad = 'data d {\n  [0, 0] -> [0]\n  [1, 1] -> [1]\n}\nmodel net { input 3; dense 4 relu; dense 1 sigmoid; }\n' +
                'loss mse\noptimizer sgd(lr=0.1)\ntrain net on d epochs 2\n';
    fs.writeFileSync(file, bad);
    const doc = document(file, bad);
    vscode.workspace.textDocuments.push(doc);        // VS Code activates the extension when an .nnl file opens

    const ext = require(path.join(extension, 'extension.js'));
    const context = { subscriptions: [], extensionPath: extension, extensionUri: vscode.Uri.file(extension),
                      asAbsolutePath: (p) => path.join(extension, p) };
    const first = nextDiagnostics(doc.uri.toString());
    await Promise.race([ext.activate(context), timeout(20000, 'start')]);
    console.log('activated; the client registered: ' + Object.keys(record.providers).sort().join(' '));
    printDiagnostics('opened with a wrong input size', await first);

    // the fix, typed: the whole text changes (the server asks for full sync)
    const good = bad.replace('input 3', 'input 2');
    const second = nextDiagnostics(doc.uri.toString());
    doc.text = good;
    doc.version++;
    vscode.__events.onDidChangeTextDocument.fire({ document: doc, reason: undefined, contentChanges: [{
        range: new vscode.Range(4, 18, 4, 19), rangeOffset: bad.indexOf('input 3') + 6, rangeLength: 1, text: '2' }] });
    printDiagnostics('after the fix', await second);

    await hover(doc, 4, 7);             // net
    await hover(doc, 4, 30);            // relu
    await hover(doc, 7, 6);             // net in train
    await hover(doc, 7, 2);             // train: the statement's help
    await complete(doc, 7, 2);          // tr
    await complete(doc, 5, 7);          // loss ms
    // net. then its layers: the document grows by a line being typed
    const typing = good + 'print net.';
    const third = nextDiagnostics(doc.uri.toString());
    doc.text = typing;
    doc.version++;
    vscode.__events.onDidChangeTextDocument.fire({ document: doc, reason: undefined, contentChanges: [{
        range: new vscode.Range(8, 0, 8, 0), rangeOffset: good.length, rangeLength: 0, text: 'print net.' }] });
    printDiagnostics('while typing print net.', await third);
    await complete(doc, 8, 10);
    await definition(doc, 7, 6);
    await definition(doc, 4, 30);

    await Promise.race([ext.deactivate(), timeout(20000, 'stop')]);
    console.log('deactivated');
    const said = record.messages.filter((m) => !/^\[nnl\] \[(Trace|Info)/.test(m));
    console.log('messages to the user: ' + (said.length ? said.map(show).join(' | ') : 'none'));
    fs.rmSync(tmp, { recursive: true, force: true });
}

main().then(() => process.exit(0), (e) => {
    console.log('FAILED: ' + (e && e.stack || e));
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
});
