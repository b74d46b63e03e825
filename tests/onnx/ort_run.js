// tests/onnx/ort_run.js MODEL.onnx INPUT.json — runs an ONNX model with ONNX
// Runtime (npm onnxruntime-node, installed by .ci/install-deps into
// tests/onnx/node_modules) on the rows of INPUT.json and prints the output
// as JSON: {"dims": [...], "data": [...]}.  Exit 2: onnxruntime-node is absent.
const path = require('path');
const fs = require('fs');
let ort;
try {
    ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));
} catch (e) {
    console.error('onnxruntime-node is not installed in tests/onnx/node_modules: ' + e.message);
    process.exit(2);
}
(async () => {
    const [model, input] = process.argv.slice(2);
    const rows = JSON.parse(fs.readFileSync(input, 'utf8'));
    const session = await ort.InferenceSession.create(model);
    const type = process.env.ORT_DOUBLE ? 'float64' : 'float32';
    const data = type === 'float64' ? Float64Array.from(rows.flat()) : Float32Array.from(rows.flat());
    const feeds = { [session.inputNames[0]]: new ort.Tensor(type, data, [rows.length, rows[0].length]) };
    const out = (await session.run(feeds))[session.outputNames[0]];
    console.log(JSON.stringify({ dims: out.dims, data: Array.from(out.data) }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
