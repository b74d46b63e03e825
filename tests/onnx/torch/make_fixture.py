#!/usr/bin/python3
"""tests/onnx/torch/make_fixture.py — makes mlp.onnx with torch.onnx.export
from a PyTorch MLP, and mlp.expected.json: five input rows and PyTorch's
outputs for them.  Run once, by hand, with Debian's python3-torch (apt-get
install python3-torch; CI never installs it); both files are committed and
tests/onnx/test_onnx.py checks that `import` gives PyTorch's outputs.

The MLP has what import reads: a Flatten at the input (of [batch, 1, 2, 3]),
Linear (Gemm), BatchNorm1d with running averages from a few training
batches, ReLU, LeakyReLU, Dropout, PReLU (one slope), Tanh and Softmax."""
import json, os, torch

torch.manual_seed(7)
net = torch.nn.Sequential(
    torch.nn.Flatten(),
    torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
    torch.nn.Linear(8, 8), torch.nn.LeakyReLU(0.1), torch.nn.Dropout(0.2),
    torch.nn.Linear(8, 6), torch.nn.PReLU(),
    torch.nn.Linear(6, 4), torch.nn.Tanh(),
    torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
net.train()
with torch.no_grad():                   # running averages that are not 0 and 1
    for _ in range(5):
        net(torch.randn(16, 1, 2, 3) * 2 + 0.5)
net.eval()
here = os.path.dirname(os.path.abspath(__file__))
x = torch.round(torch.randn(5, 1, 2, 3) * 1000) / 1000
torch.onnx.export(net, x, os.path.join(here, 'mlp.onnx'), opset_version=17, input_names=['input'],
                  output_names=['output'], dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})
with torch.no_grad():
    y = net(x)
with open(os.path.join(here, 'mlp.expected.json'), 'w') as f:
    json.dump({'input': x.reshape(5, 6).tolist(), 'output': y.tolist(), 'torch': torch.__version__}, f, indent=1)
    f.write('\n')
