// A stand-in for VS Code's `vscode` module, enough for vscode-languageclient
// to run the nnl extension (editors/vscode/extension.js) in plain Node: the
// editor's classes as plain data, its events as emitters the test fires, and
// what the client registers (hover, completion, definition providers) and
// publishes (diagnostics) recorded for the test to use.  Not VS Code: what it
// shows is that the extension's client, as VS Code would run it, starts
// `nnl lsp` and gets diagnostics, hover and completion from it.
'use strict';

const record = { providers: {}, diagnostics: new Map(), messages: [], unknown: new Set(), config: {} };

class Disposable {
    constructor(fn) { this.fn = fn; }
    dispose() { if (this.fn) this.fn(); this.fn = undefined; }
    static from(...items) { return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose())); }
}
const nothing = () => new Disposable();

class EventEmitter {
    constructor() { this.listeners = []; }
    get event() {
        return (listener, thisArg) => {
            const l = thisArg ? listener.bind(thisArg) : listener;
            this.listeners.push(l);
            return new Disposable(() => { this.listeners = this.listeners.filter((x) => x !== l); });
        };
    }
    fire(e) { this.listeners.slice().forEach((l) => l(e)); }
    dispose() { this.listeners = []; }
}

class Uri {
    constructor(scheme, path) { this.scheme = scheme; this.path = path; this.authority = ''; this.query = ''; this.fragment = ''; }
    get fsPath() { return this.path; }
    toString() { return this.scheme + '://' + this.path.split('/').map(encodeURIComponent).join('/'); }
    toJSON() { return this.toString(); }
    with(change) { return new Uri(change.scheme || this.scheme, change.path || this.path); }
    static file(path) { return new Uri('file', path); }
    static parse(text) {
        const m = /^([a-z]+):\/\/(.*)$/.exec(text);
        return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri('file', text);
    }
}

class Position {
    constructor(line, character) { this.line = line; this.character = character; }
}
class Range {
    constructor(a, b, c, d) {
        if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c, d); }
        else { this.start = a; this.end = b; }
    }
}
class Location { constructor(uri, range) { this.uri = uri; this.range = range; } }
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
class MarkdownString {
    constructor(value, supportThemeIcons) { this.value = value || ''; this.supportThemeIcons = supportThemeIcons; }
    appendMarkdown(v) { this.value += v; return this; }
    appendText(v) { this.value += v; return this; }
    appendCodeblock(v, lang) { this.value += '\n```' + (lang || '') + '\n' + v + '\n```\n'; return this; }
}
class Hover { constructor(contents, range) { this.contents = Array.isArray(contents) ? contents : [contents]; this.range = range; } }
class CompletionItem { constructor(label, kind) { this.label = label; this.kind = kind; } }
class CompletionList { constructor(items, isIncomplete) { this.items = items || []; this.isIncomplete = !!isIncomplete; } }
class CancellationError extends Error {}
class CancellationTokenSource {
    constructor() {
        this.emitter = new EventEmitter();
        this.token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
    }
    cancel() { this.token.isCancellationRequested = true; this.emitter.fire(); }
    dispose() {}
}

// enums: the numbers VS Code gives them where the client computes with them
const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
const CompletionItemKind = { Text: 0 };     // the client maps LSP's kind k to k - 1 + Text
const enumLike = (name) => new Proxy({}, { get: (t, k) => (typeof k === 'string' ? name + '.' + k : undefined) });

const workspace = {
    textDocuments: [],
    workspaceFolders: undefined,
    getConfiguration: (section) => ({
        get: (key, dflt) => (record.config[section ? section + '.' + key : key] ?? dflt),
        has: (key) => (section ? section + '.' + key : key) in record.config,
        update: () => Promise.resolve(),
    }),
    createFileSystemWatcher: () => ({ onDidCreate: nothing, onDidChange: nothing, onDidDelete: nothing, dispose() {} }),
    applyEdit: () => Promise.resolve(true),
};
const events = {};
for (const name of ['onDidOpenTextDocument', 'onDidCloseTextDocument', 'onDidChangeTextDocument', 'onDidSaveTextDocument',
    'onWillSaveTextDocument', 'onDidChangeConfiguration', 'onDidChangeWorkspaceFolders', 'onDidChangeActiveTextEditor',
    'onDidChangeTabs']) {
    events[name] = new EventEmitter();
}
for (const name of Object.keys(events)) if (name !== 'onDidChangeActiveTextEditor' && name !== 'onDidChangeTabs') workspace[name] = events[name].event;

const outputChannel = (name) => {
    const line = (text) => record.messages.push('[' + name + '] ' + text);
    return { name, append: line, appendLine: line, replace: line, clear() {}, show() {}, hide() {}, dispose() {},
             trace: line, debug: line, info: line, warn: line, error: line, logLevel: 0, onDidChangeLogLevel: nothing };
};
const message = (kind) => (text) => { record.messages.push(kind + ': ' + text); return Promise.resolve(undefined); };
const window = {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: events.onDidChangeActiveTextEditor.event,
    tabGroups: { all: [], onDidChangeTabs: events.onDidChangeTabs.event },
    createOutputChannel: outputChannel,
    showErrorMessage: message('error'),
    showWarningMessage: message('warning'),
    showInformationMessage: message('information'),
    showTextDocument: () => Promise.resolve(undefined),
    withProgress: (options, task) => task({ report() {} }, new CancellationTokenSource().token),
};

// a document selector matches a document: by language and scheme (what the extension's selector uses)
function match(selector, doc) {
    const list = Array.isArray(selector) ? selector : [selector];
    let score = 0;
    for (const s of list) {
        if (typeof s === 'string') { if (s === doc.languageId) score = Math.max(score, 10); continue; }
        if (s.language && s.language !== doc.languageId) continue;
        if (s.scheme && s.scheme !== doc.uri.scheme) continue;
        score = Math.max(score, 10);
    }
    return score;
}

const languages = {
    match,
    createDiagnosticCollection: (name) => ({
        name,
        set(uri, diagnostics) {
            if (Array.isArray(uri)) { uri.forEach(([u, d]) => this.set(u, d)); return; }
            record.diagnostics.set(uri.toString(), diagnostics || []);
            if (record.onDiagnostics) record.onDiagnostics(uri.toString());
        },
        delete(uri) { record.diagnostics.delete(uri.toString()); },
        clear() { record.diagnostics.clear(); },
        get(uri) { return record.diagnostics.get(uri.toString()); },
        has(uri) { return record.diagnostics.has(uri.toString()); },
        forEach(fn) { record.diagnostics.forEach((d, u) => fn(Uri.parse(u), d, this)); },
        dispose() {},
    }),
};

const exported = {
    version: '1.82.0',
    env: { language: 'en', appName: 'nnl test', machineId: 'test', openExternal: () => Promise.resolve(true) },
    commands: { registerCommand: nothing, executeCommand: () => Promise.resolve(undefined) },
    workspace, window, languages, Uri, Position, Range, Location, Diagnostic, DiagnosticSeverity, MarkdownString,
    Hover, CompletionItem, CompletionItemKind, CompletionList, Disposable, EventEmitter, CancellationError,
    CancellationTokenSource, ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    __record: record, __events: events,
};

// every register*Provider(selector, provider, ...) is recorded by its kind
const registry = new Proxy(languages, {
    get(target, key) {
        if (key in target) return target[key];
        if (typeof key === 'string' && key.startsWith('register')) {
            return (selector, provider, ...rest) => {
                (record.providers[key] = record.providers[key] || []).push({ selector, provider, rest });
                return new Disposable();
            };
        }
        return undefined;
    },
});
exported.languages = registry;

// any other class or enum the client names (code actions, semantic tokens, ...): a plain one
module.exports = new Proxy(exported, {
    get(target, key) {
        if (key in target || typeof key !== 'string') return target[key];
        record.unknown.add(key);
        target[key] = /Kind$|Reason$|Tag$|Location$|Severity$|Mode$/.test(key) ? enumLike(key)
            : class { constructor(...args) { this.args = args; } };
        return target[key];
    },
});
