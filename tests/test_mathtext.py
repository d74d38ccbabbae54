"""Math labels: every command lstmviz accepts is drawn as it reads, and every other is refused."""

import pytest

import lstmviz
from lstmviz.mathtext import COMMANDS, Run, plain, problem, runs


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (r"\mathrm{relu}(x_t)", (Run("relu(x"), Run("t", -1), Run(")"))),
        (r"\operatorname{softplus}(v)", (Run("softplus(v)"),)),
        (r"\text{new memory}", (Run("new memory"),)),
        (r"\frac{c_t}{n_t}", (Run("c"), Run("t", -1), Run("/n"), Run("t", -1))),
        (
            r"\frac{f_t}{f_t + i_t}",
            (Run("f"), Run("t", -1), Run("/(f"), Run("t", -1), Run(" + i"), Run("t", -1), Run(")")),
        ),
        (r"\max(\log f_t, m_{t-1})", (Run("max(log f"), Run("t", -1), Run(", m"), Run("t−1", -1), Run(")"))),
        (r"\tilde{C}^{2}_{t-1}", (Run("C\u0303"), Run("2", 1), Run("t−1", -1))),
        (r"\hat{h}_t \odot \bar{x} \cdot \sigma", (Run("h\u0302"), Run("t", -1), Run(" ⊙ x\u0304 · σ"))),
        ("long-term memory", (Run("long-term memory"),)),
        ("1-z_t", (Run("1−z"), Run("t", -1))),
    ],
)
def test_each_command_is_drawn_as_it_reads(label, expected):
    assert problem(label) is None
    merged: list[Run] = []  # the text on each baseline, italic or upright
    for run in runs(label):
        if merged and merged[-1].shift == run.shift:
            merged[-1] = Run(merged[-1].text + run.text, run.shift)
        else:
            merged.append(Run(run.text, run.shift))
    assert tuple(merged) == expected


@pytest.mark.parametrize(
    ("label", "italic", "upright"),
    [
        (r"h_{t-1}", "ht", "−1"),
        (r"\tanh(C_t)", "Ct", "tanh()"),
        (r"\sigma(W_f \cdot x + b)", "σWfxb", "( ·  + )"),
        (r"\mathrm{relu}(x)", "x", "relu()"),
        (r"\Delta t", "t", "Δ "),
    ],
)
def test_letters_are_italic_as_tex_sets_math(label, italic, upright):
    """A letter standing for a value is italic; digits, signs, capital Greek and names are upright."""
    assert "".join(r.text for r in runs(label) if r.italic) == italic
    assert "".join(r.text for r in runs(label) if not r.italic) == upright


def test_no_command_name_is_ever_drawn_as_text():
    """The old reader drew \\mathrm{relu} as 'mathrmrelu': no accepted command leaks its name."""
    for command in COMMANDS - {"tanh", "exp", "log", "max", "min"}:  # these are drawn as their names
        label = f"\\{command}{{a}}_t"
        assert command not in plain(label), label


@pytest.mark.parametrize("command", ["input", "def", "include", "write", "catcode", "mathcal", "left", "begin"])
def test_any_other_command_is_refused_by_check_in_one_line(tmp_path, command):
    path = tmp_path / "cell.toml"
    path.write_text(
        "[cell]\nname = 'c'\nequations = 'h = tanh(linear(h_prev, x))'\n[states]\nh = 'hidden'\n"
        f"[describe]\nh = {{ label = '\\{command}{{h}}_t' }}\n"
    )
    with pytest.raises(lstmviz.SpecError) as info:
        lstmviz.load(path)
    assert f"uses the command \\{command}, which lstmviz does not draw" in info.value.one_line()
    assert str(path) in info.value.one_line() and "\n" not in info.value.one_line()


def test_an_svg_label_holds_the_words_not_the_commands():
    b = lstmviz.CellBuilder("c")
    x = b.input("x")
    h = b.state("h")
    b.write(h, b.layer(h.prev, x, activation="relu", id="g", label=r"\mathrm{relu}_t"))
    b.output(h.prev)
    svg = lstmviz.render(b.build())
    assert ">relu</tspan>" in svg and "mathrm" not in svg
