"""A plan bound to sizes, parameters and buffers, and the time loop that runs it.

The loop body is a list of small closures, each bound to preallocated buffers, so a step costs
about the NumPy calls a hand-written loop would make. Choices that keep it fast:

- Buffers in the loop are feature-major, (size, batch): a layer group's rows are contiguous
  blocks, and the recurrent product is ``W @ h``, which BLAS does faster here than ``h @ W.T``.
- The rows of sigmoid layers are scaled by 1/2 when the weights are fused, so that one ``tanh``
  over a group's sigmoid and tanh rows, then ``* 0.5 + 0.5`` on the sigmoid rows, finishes them all.
- Where it is safe, the op that computes a state's new value writes straight into the state's
  buffer, so nothing is copied between steps.

Values live in one of three places: ``full[id]`` (T, B, n) for static nodes, computed before the
loop; ``timed[id]``, such a value feature-major (T, n, B) for the loop to read; and ``now[id]``
(n, B) for the rest, rewritten every step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .kernels import ACTIVATE, LOW, PRESCALE, finish_tail, kernel_for, left_tail
from .params import LayerParams, node_sizes
from .plan import Group, Plan

Step = Callable[[int], object]
_TANH_FAMILY = ("sigmoid", "tanh")


class Program:
    """Everything one run needs; :meth:`run` executes the loop and returns the raw results."""

    def __init__(
        self,
        plan: Plan,
        params: Mapping[str, LayerParams],
        dims: Mapping[str, int],
        dtype: np.dtype,
        T: int,
        B: int,
        trace: bool,
    ) -> None:
        self.plan, self.graph, self.params = plan, plan.graph, params
        self.dtype, self.T, self.B, self.tracing = dtype, T, B, trace
        self.size = node_sizes(self.graph, dims)
        self.group_of = plan.group_of
        self.rows: dict[str, tuple[int, int]] = {}
        for group in plan.groups:
            at = 0
            for layer in group.layers:
                self.rows[layer] = (at, at + self.size[layer])
                at += self.size[layer]
        self.fused = {g.source: self._fuse(g) for g in plan.groups}
        self.full: dict[str, np.ndarray] = {}
        self.timed: dict[str, np.ndarray] = {}
        self.now: dict[str, np.ndarray] = {}
        self.alias: dict[str, str] = {}

    def run(
        self, xs: Mapping[str, np.ndarray], initial: Mapping[str, np.ndarray]
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
        """(outputs by id (T, B, n), final states by name (B, n), trace by node id (T, B, n))."""
        g, T = self.graph, self.T
        self.full.update(xs)
        self.now.update({g.states[s][0].id: np.ascontiguousarray(v.T) for s, v in initial.items()})
        self._static_phase()
        steps = self._loop_body()
        outs = {o.id: np.empty((T, self.B, self.size[o.id]), self.dtype) for o in g.of_kind("output")}
        for o in g.of_kind("output"):
            src = o.inputs[0]
            if src in self.full:
                outs[o.id][...] = self.full[src]
            else:
                steps.append(_copy_into_step(outs[o.id], self.now[src].T))
        record, trace = self._recorder()
        steps += record + self._state_steps()
        for t in range(T):
            for step in steps:
                step(t)
        state = {s: self.now[pair[0].id].T.copy() for s, pair in g.states.items()}
        return outs, state, trace

    # -- before the loop ---------------------------------------------------------------------------
    def _fuse(self, group: Group) -> tuple[np.ndarray, np.ndarray]:
        """The group's stacked weights and biases, each layer's rows pre-scaled for its activation."""
        layers = [(self.params[n], PRESCALE[self.graph.node(n).activation]) for n in group.layers]
        weight = np.concatenate([p.weight * s if s != 1 else p.weight for p, s in layers])
        biases = [np.zeros(len(p.weight)) if p.bias is None else p.bias for p, _ in layers]
        bias = np.concatenate([b * s if s != 1 else b for b, (_, s) in zip(biases, layers)])
        return weight.astype(self.dtype, copy=False), bias.astype(self.dtype, copy=False)

    def _diagonal(self, layer: str, source: str) -> np.ndarray:
        scale = PRESCALE[self.graph.node(layer).activation]
        return (self.params[layer].diagonal[source] * scale).astype(self.dtype, copy=False)

    def _static_columns(self, group: Group) -> tuple[np.ndarray, np.ndarray]:
        """The static parts side by side (T*B, S), and the weight columns that multiply them."""
        weight, _ = self.fused[group.source]
        cols, at = {}, 0
        for part in group.parts:
            cols[part] = slice(at, at + self.size[part])
            at += self.size[part]
        if len(group.static_parts) == 1:
            (part,) = group.static_parts
            x, w = self.full[part], weight[:, cols[part]]
        else:
            x = np.concatenate([self.full[p] for p in group.static_parts], axis=-1)
            w = np.concatenate([weight[:, cols[p]] for p in group.static_parts], axis=1)
        return x.reshape(self.T * self.B, x.shape[-1]), w

    def _static_phase(self) -> None:
        """Compute every static node for all steps at once, and the hoisted input projections."""
        for node_id in self.plan.order:
            node = self.graph.node(node_id)
            if node_id not in self.plan.static or node.kind in ("input", "state-out", "output"):
                continue
            if node.kind == "concat":
                self.full[node_id] = np.concatenate([self.full[p] for p in node.inputs], axis=-1)
            elif node.kind == "layer":
                lo, hi = self.rows[node_id]
                value = self._static_product(self.group_of[node_id])[..., lo:hi]
                for d in node.diagonal:
                    value += self._diagonal(node_id, d) * self.full[d]
                self.full[node_id] = ACTIVATE[node.activation](value, value)
            else:
                args = [self.full[r] for r in node.inputs]
                kernel = kernel_for(node, self.params.get(node_id))
                self.full[node_id] = kernel(*args, out=np.empty_like(args[0]))
        for group in self.plan.groups:
            if group.static_parts and not group.is_static:
                # Feature-major straight from the product, with no transposing copy.
                x, w = self._static_columns(group)
                xt = x.reshape(self.T, self.B, x.shape[-1]).transpose(0, 2, 1)
                projected = np.matmul(w, xt)  # (T, N, B): each step reads one contiguous block
                projected += self.fused[group.source][1][:, None]
                self.timed[f"{group.source}:pre"] = projected

    def _static_product(self, group: Group) -> np.ndarray:
        """A static group's whole product plus bias, (T, B, N), computed when first needed."""
        key = f"{group.source}:pre"
        if key not in self.full:
            x, w = self._static_columns(group)
            self.full[key] = (x @ w.T + self.fused[group.source][1]).reshape(self.T, self.B, w.shape[0])
        return self.full[key]

    # -- the loop body -----------------------------------------------------------------------------
    def _loop_body(self) -> list[Step]:
        schedule = self.plan.traced_loop if self.tracing else self.plan.loop
        self.alias = {} if self.tracing else dict(self.plan.aliases)
        steps: list[Step] = []
        for kind, item in schedule:
            if kind == "group":
                steps.append(self._group_step(item))
            elif kind == "finish":
                steps.extend(self._finish_steps(item))
            else:
                node = self.graph.node(item)
                if item in self.alias:
                    buf = self.now[self.alias[item]]
                else:
                    buf = np.empty((self.size[item], self.B), self.dtype)
                if node.kind == "concat":
                    steps.append(self._concat_step(node.inputs, buf))
                else:
                    kernel = kernel_for(node, self.params.get(item), axis=0)  # (features, batch)
                    steps.append(self._op_step(kernel, node.inputs, buf))
                self.now[item] = buf
        return steps

    def _operand(self, node_id: str) -> tuple[np.ndarray, bool]:
        """A value to read in the loop: (array, True) for a static (T, n, B) array, indexed by t."""
        if node_id in self.full:
            return self._timed(node_id), True
        return self.now[node_id], False

    def _timed(self, key: str) -> np.ndarray:
        """A static value, feature-major for the loop: (T, n, B), made once when first read."""
        if key not in self.timed:
            self.timed[key] = np.ascontiguousarray(self.full[key].transpose(0, 2, 1))
        return self.timed[key]

    def _op_step(self, kernel: Callable[..., Any], inputs: tuple[str, ...], out: np.ndarray) -> Step:
        ops = [self._operand(i) for i in inputs]
        if len(ops) == 1:
            ((a, ta),) = ops
            return (lambda t: kernel(a[t], out=out)) if ta else (lambda t: kernel(a, out=out))
        (a, ta), (b, tb) = ops
        if ta and tb:
            return lambda t: kernel(a[t], b[t], out=out)
        if ta:
            return lambda t: kernel(a[t], b, out=out)
        if tb:
            return lambda t: kernel(a, b[t], out=out)
        return lambda t: kernel(a, b, out=out)

    def _concat_step(self, inputs: tuple[str, ...], out: np.ndarray) -> Step:
        ops = [self._operand(i) for i in inputs]
        return lambda t: np.concatenate([a[t] if timed else a for a, timed in ops], axis=0, out=out)

    def _group_step(self, group: Group) -> Step:
        """The recurrent share of the group's product, plus the hoisted input share (or the bias)."""
        weight, bias = self.fused[group.source]
        cols, at = {}, 0
        for part in group.parts:
            cols[part] = slice(at, at + self.size[part])
            at += self.size[part]
        pre = np.empty((weight.shape[0], self.B), self.dtype)
        self.now[f"{group.source}:pre"] = pre
        mats = [(np.ascontiguousarray(weight[:, cols[p]]), self.now[p]) for p in group.dynamic_parts]
        (w0, h0), rest = mats[0], mats[1:]
        projected = self.timed.get(f"{group.source}:pre")
        column = bias[:, None]
        if not rest and projected is not None:

            def step(t: int) -> None:
                np.matmul(w0, h0, out=pre)
                np.add(pre, projected[t], pre)

            return step
        tmp = np.empty_like(pre)

        def general(t: int) -> None:
            np.matmul(w0, h0, out=pre)
            for w, part in rest:
                np.matmul(w, part, out=tmp)
                np.add(pre, tmp, pre)
            np.add(pre, projected[t] if projected is not None else column, pre)

        return general

    def _finish_steps(self, layers: tuple[str, ...]) -> list[Step]:
        """Diagonal terms and activations of consecutive layers of a group, in place in its buffer."""
        g = self.graph
        group = self.group_of[layers[0]]
        lo, hi = self.rows[layers[0]][0], self.rows[layers[-1]][1]
        steps: list[Step] = []
        if group.is_static:  # only layers with loop-time diagonal inputs get here: copy their rows
            self._static_product(group)
            base = self._timed(f"{group.source}:pre")[:, lo:hi]
            view = np.empty((hi - lo, self.B), self.dtype)
            steps.append(lambda t: np.copyto(view, base[t]))
        else:
            view = self.now[f"{group.source}:pre"][lo:hi]
        for layer in layers:
            a, b = self.rows[layer]
            self.now[layer] = view[a - lo : b - lo]
            for d in g.node(layer).diagonal:
                steps.append(self._diagonal_step(view, self._diagonal(layer, d), d))
        steps.extend(self._activation_steps(layers, view, lo))
        return steps

    def _activation_steps(self, layers: tuple[str, ...], view: np.ndarray, lo: int) -> list[Step]:
        """One tanh over each run of sigmoid and tanh rows, then ``* 0.5 + 0.5`` on the sigmoid rows;
        other activations one call per run of equal ones."""
        g = self.graph
        runs: list[list[Any]] = []  # [activation, first row, end row]
        for layer in layers:
            act, (a, b) = g.node(layer).activation, self.rows[layer]
            if runs and runs[-1][0] == act:
                runs[-1][2] = b - lo
            else:
                runs.append([act, a - lo, b - lo])
        steps: list[Step] = []
        k = 0
        while k < len(runs):
            act, start, end = runs[k]
            if act not in _TANH_FAMILY:
                rows = view[start:end]
                steps.append(lambda t, rows=rows, fn=ACTIVATE[act]: fn(rows, rows))
                k += 1
                continue
            family = [runs[k]]
            while k + len(family) < len(runs) and runs[k + len(family)][0] in _TANH_FAMILY:
                family.append(runs[k + len(family)])
            block = view[start : family[-1][2]]
            halves = [view[s:e] for a, s, e in family if a == "sigmoid"]

            def step(t: int, block: np.ndarray = block, halves: list[np.ndarray] = halves) -> None:
                far = halves and not block.min() >= LOW / 2  # a sigmoid far in its left tail (rare)
                tails = [left_tail(rows) for rows in halves] if far else []  # kept before tanh overwrites them
                np.tanh(block, block)
                for rows in halves:
                    np.multiply(rows, 0.5, rows)
                    np.add(rows, 0.5, rows)
                for rows, (low, tail) in zip(halves, tails):
                    finish_tail(rows, low, tail)

            steps.append(step)
            k += len(family)
        return steps

    def _diagonal_step(self, view: np.ndarray, weight: np.ndarray, source: str) -> Step:
        src, timed = self._operand(source)
        tmp = np.empty_like(view)
        column = weight[:, None]

        def step(t: int) -> None:
            np.multiply(src[t] if timed else src, column, tmp)
            np.add(view, tmp, view)

        return step

    def _state_steps(self) -> list[Step]:
        """After each step: each state's new value into its buffer (unless written there already)."""
        copies = []
        for node_in, node_out in self.graph.states.values():
            producer = node_out.inputs[0]
            if self.alias.get(producer) == node_in.id or producer == node_in.id:
                continue
            src, timed = self._operand(producer)
            copies.append((self.now[node_in.id], src, timed))
        if not copies:
            return []
        state_buffers = {id(self.now[n.id]) for n, _ in self.graph.states.values()}
        if any(id(src) in state_buffers for _, src, _ in copies):  # states trade values: go via copies

            def trade(t: int) -> None:
                new = [(dst, (src[t] if timed else src).copy()) for dst, src, timed in copies]
                for dst, value in new:
                    np.copyto(dst, value)

            return [trade]
        return [lambda t, d=d, s=s, timed=timed: np.copyto(d, s[t] if timed else s) for d, s, timed in copies]

    def _recorder(self) -> tuple[list[Step], dict[str, np.ndarray]]:
        """With a trace: a step that keeps every loop value, and the (T, B, n) arrays it fills."""
        if not self.tracing:
            return [], {}
        g, T, B = self.graph, self.T, self.B
        values: dict[str, np.ndarray] = {}
        live = []
        for node in g.nodes:
            if node.kind in ("state-out", "output"):
                continue
            if node.id in self.full:
                values[node.id] = self.full[node.id]
            else:
                values[node.id] = np.empty((T, B, self.size[node.id]), self.dtype)
                live.append((values[node.id], self.now[node.id].T))
        for node in g.nodes:
            if node.kind in ("state-out", "output"):
                values[node.id] = values[node.inputs[0]]

        def record(t: int) -> None:
            for dest, src in live:
                dest[t] = src

        return [record], values


def _copy_into_step(dest: np.ndarray, src: np.ndarray) -> Step:
    return lambda t: np.copyto(dest[t], src)
