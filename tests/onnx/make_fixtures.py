#!/usr/bin/python3
"""tests/onnx/make_fixtures.py — writes the hand-made ONNX files of
tests/onnx/fixtures/ with onnx.helper (Debian python3-onnx): MLPs written
as MatMul + Add and as Gemm with transB = 0 (import reads them; test_onnx.py compares with ONNX Runtime)
and files import must refuse (tests/onnx/errors/ expects their messages).
Run by hand when they change; the files are committed."""
import os
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
rng = np.random.default_rng(3)

def weight(name, *shape):
    return numpy_helper.from_array(rng.uniform(-1, 1, shape).astype(np.float32), name)

def save(name, nodes, inits, width=3, out=2, inputs=None, check=True):
    g = helper.make_graph(nodes, name, inputs or [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['n', width])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['n', out])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)], ir_version=8)
    if check:                       # (the Conv is refused before its shapes matter)
        onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.join(here, name + '.onnx'))

# x [n, 3] @ W1 [3, 4] + b1, Sigmoid, @ W2 [4, 2] + b2 (bias first), Identity
save('matmul_add', [
    helper.make_node('MatMul', ['x', 'W1'], ['h'], name='mm1'),
    helper.make_node('Add', ['h', 'b1'], ['a1'], name='add1'),
    helper.make_node('Sigmoid', ['a1'], ['z1'], name='act1'),
    helper.make_node('MatMul', ['z1', 'W2'], ['h2'], name='mm2'),
    helper.make_node('Add', ['b2', 'h2'], ['a2'], name='add2'),
    helper.make_node('Identity', ['a2'], ['y'], name='id')],
    [weight('W1', 3, 4), weight('b1', 4), weight('W2', 4, 2), weight('b2', 2)])
# Gemm with transB = 0 (B [in, out]) and a bias C of shape [1, out], Relu, Softmax
save('gemm_transb0', [
    helper.make_node('Gemm', ['x', 'B', 'C'], ['a'], name='fc1'),
    helper.make_node('Relu', ['a'], ['r'], name='relu'),
    helper.make_node('Gemm', ['r', 'B2', 'C2'], ['a2'], name='fc2', transB=0),
    helper.make_node('Softmax', ['a2'], ['y'], name='softmax', axis=1)],
    [weight('B', 3, 5), weight('C', 1, 5), weight('B2', 5, 2), weight('C2', 2)])
# a Conv: not an MLP
save('conv', [
    helper.make_node('Gemm', ['x', 'W', 'b'], ['a'], name='fc', transB=1),
    helper.make_node('Conv', ['a', 'K'], ['y'], name='conv1')],
    [weight('W', 2, 3), weight('b', 2), weight('K', 1, 1, 1)], check=False)
# an activation with no layer before it
save('activation_first', [
    helper.make_node('Relu', ['x'], ['r'], name='first'),
    helper.make_node('Gemm', ['r', 'W', 'b'], ['y'], name='fc', transB=1)],
    [weight('W', 2, 3), weight('b', 2)])
# a residual branch: the second Gemm reads the input again
save('branch', [
    helper.make_node('Gemm', ['x', 'W', 'b'], ['a'], name='fc1', transB=1),
    helper.make_node('Gemm', ['x', 'W', 'b'], ['y'], name='fc2', transB=1)],
    [weight('W', 2, 3), weight('b', 2)])
