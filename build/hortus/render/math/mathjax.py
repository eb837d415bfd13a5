"""Make TeX written for Obsidian's MathJax typeset with KaTeX.

Obsidian renders math with MathJax 3 (base, ams, newcommand and the autoloaded
extensions: mhchem, braket, cancel, bbox, enclose, html, upgreek, ...); hortus
renders with KaTeX at build time. This module closes the gap three ways:

- MACROS: MathJax built-ins that KaTeX lacks, as KaTeX string macros (each was
  checked to be undefined in KaTeX 0.19 and to render with the definition).
- PREAMBLE: definitions that need delimited parameters (``\\root 3\\of x``),
  which KaTeX itself runs once when the renderer starts.
- adapt(): rewrites that macros cannot express: environments MathJax accepts in
  inline math, ``\\tag`` where KaTeX refuses it, ``\\raise<dimen>``, ``\\unicode``,
  ``\\bbox[...]``, ``\\enclose``, and ``\\eqref`` resolved against ``\\label``.

A preamble.sty (as Obsidian's Extended MathJax reads it) becomes the same
string-macro form in hortus.render.math.preamble.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# upgreek's code points, as MathJax maps them (escaped: the letters look Latin).
_UPGREEK = {
    "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "epsilon": 0x3F5,
    "zeta": 0x3B6, "eta": 0x3B7, "theta": 0x3B8, "iota": 0x3B9, "kappa": 0x3BA,
    "lambda": 0x3BB, "mu": 0x3BC, "nu": 0x3BD, "xi": 0x3BE, "omicron": 0x3BF, "pi": 0x3C0,
    "rho": 0x3C1, "sigma": 0x3C3, "tau": 0x3C4, "upsilon": 0x3C5, "phi": 0x3D5, "chi": 0x3C7,
    "psi": 0x3C8, "omega": 0x3C9, "varepsilon": 0x3B5, "vartheta": 0x3D1, "varpi": 0x3D6,
    "varrho": 0x3F1, "varsigma": 0x3C2, "varphi": 0x3C6,
}  # fmt: skip
_UPGREEK_CAPITALS = ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                     "Psi", "Omega")  # fmt: skip

# Font commands of MathJax 3 (unicode-math names) mapped to KaTeX's nearest font.
_FONTS = {
    "mathup": r"\mathrm", "mathsfup": r"\mathsf", "mathbfup": r"\mathbf",
    "mathbfit": r"\boldsymbol", "mathbfcal": r"\hortus@bold\mathcal",
    "mathbffrak": r"\hortus@bold\mathfrak", "mathbfscr": r"\hortus@bold\mathscr",
    "mathbfsf": r"\hortus@bold\mathsf", "mathbfsfup": r"\hortus@bold\mathsf",
    "mathbfsfit": r"\hortus@bold\mathsfit",
    "symrm": r"\mathrm", "symup": r"\mathrm", "symnormal": r"\hortus@id", "symbf": r"\mathbf",
    "symbfup": r"\mathbf", "symit": r"\mathit", "symbfit": r"\boldsymbol", "symbb": r"\mathbb",
    "symfrak": r"\mathfrak", "symbffrak": r"\hortus@bold\mathfrak", "symscr": r"\mathscr",
    "symbfscr": r"\hortus@bold\mathscr", "symsf": r"\mathsf", "symsfup": r"\mathsf",
    "symbfsf": r"\hortus@bold\mathsf", "symbfsfup": r"\hortus@bold\mathsf",
    "symsfit": r"\mathsfit", "symbfsfit": r"\hortus@bold\mathsfit", "symtt": r"\mathtt",
    "symcal": r"\mathcal", "symbfcal": r"\hortus@bold\mathcal",
    # Old-style switches: KaTeX has no switch for these, the next group is close enough.
    "bbFont": r"\mathbb", "scr": r"\mathscr",
}  # fmt: skip

MACROS: dict[str, str] = {
    # Building blocks of the macros below (the @ keeps them out of the way of user macros).
    r"\hortus@id": "{#1}",
    r"\hortus@bold": r"\boldsymbol{#1{#2}}",
    r"\hortus@raise": r"\raisebox{#1}{$#2$}",
    r"\hortus@move": r"\hspace{#1}{#3}\hspace{#2}",
    r"\hortus@movetext": r"\hspace{#1}\text{#3}\hspace{#2}",
    r"\hortus@bboxcolor": r"\colorbox{#1}{$#2$}",
    r"\hortus@bboxframe": r"\fbox{$#1$}",
    r"\hortus@dmo": r"\gdef#1{\operatorname{#2}}",
    r"\hortus@dmostar": r"\gdef#1{\operatorname*{#2}}",
    # Things MathJax shows and KaTeX has no name for.
    r"\bracevert": r"\vert",
    r"\arrowvert": r"\vert",
    r"\Arrowvert": r"\Vert",
    r"\divsymbol": r"\div",
    r"\iiiint": r"\mathop{\int\!\!\!\!\int\!\!\!\!\int\!\!\!\!\int}\nolimits",
    r"\idotsint": r"\mathop{\int\cdots\int}\nolimits",
    r"\Tiny": r"\tiny",
    r"\mit": r"\it",
    r"\oldstyle": "",
    r"\textsc": r"\text{#1}",  # no small-caps font in KaTeX: plain text beats an error
    r"\mbox": r"\text{#1}",
    r"\framebox": r"\fbox{#1}",
    r"\strut": r"\vphantom{(}",
    r"\Rule": r"\mathrlap{\rule[-#3]{#1}{#3}}\rule{#1}{#2}",
    r"\Space": r"\hspace{#1}\rule[-#3]{0pt}{#3}\rule{0pt}{#2}",
    r"\mspace": r"\mskip{#1}",
    r"\hfil": "",
    r"\hfill": "",
    r"\hfilll": "",
    r"\nonscript": "",
    r"\/": "",
    r"\overparen": r"\overgroup{#1}",
    r"\underparen": r"\undergroup{#1}",
    r"\overunderset": r"\overset{#1}{\underset{#2}{#3}}",
    r"\stackbin": r"\mathbin{\mathop{#2}\limits^{#1}}",
    r"\skew": r"{{#2{#3\mkern#1mu}\mkern-#1mu}{}}",
    r"\sideset": r"\mathop{\vphantom{#3}#1\!\mathop{#3}\nolimits#2}",
    r"\leftroot": r"\@secondoftwo{#1}{}",
    r"\uproot": r"\@secondoftwo{#1}{}",
    r"\shoveleft": "#1",
    r"\shoveright": "#1",
    # Plain-TeX matrices MathJax still accepts.
    r"\cr": r"\\",
    r"\matrix": r"\begin{matrix}#1\end{matrix}",
    r"\array": r"\begin{matrix}#1\end{matrix}",
    r"\pmatrix": r"\begin{pmatrix}#1\end{pmatrix}",
    r"\cases": r"\begin{cases}#1\end{cases}",
    r"\eqalign": r"\begin{aligned}#1\end{aligned}",
    r"\eqalignno": r"\begin{aligned}#1\end{aligned}",
    r"\leqalignno": r"\begin{aligned}#1\end{aligned}",
    r"\displaylines": r"\begin{gathered}#1\end{gathered}",
    # amsmath: numbering is MathJax's job, not KaTeX's; labels are dropped,
    # references adapt() cannot resolve show what MathJax shows for them.
    r"\label": r"\@secondoftwo{#1}{}",
    r"\eqref": r"\@secondoftwo{#1}{\text{(???)}}",
    r"\ref": r"\@secondoftwo{#1}{\text{???}}",
    r"\DeclareMathOperator": r"\@ifstar\hortus@dmostar\hortus@dmo",
    # Extensions Obsidian's MathJax autoloads.
    r"\require": r"\@secondoftwo{#1}{}",
    r"\ketbra": r"{\vert {#1} \rangle\langle {#2} \vert}",
    r"\Ketbra": r"{\left\vert {#1} \right\rangle\left\langle {#2} \right\vert}",
    r"\cancelto": r"{\cancel{#2}^{#1}}",
    r"\centernot": r"\not#1",
    r"\definecolor": r"\@secondoftwo{#1#2#3}{}",
    r"\bbox": "{#1}",
    r"\class": r"{\@secondoftwo{#1}{#2}}",
    r"\cssId": r"{\@secondoftwo{#1}{#2}}",
    r"\style": r"{\@secondoftwo{#1}{#2}}",
    r"\texttip": r"{\@firstoftwo{#1}{#2}}",
    r"\mathtip": r"{\@firstoftwo{#1}{#2}}",
    r"\xLeftrightharpoons": r"\xleftrightharpoons",
    r"\xRightleftharpoons": r"\xrightleftharpoons",
    r"\longLeftrightharpoons": r"\xleftrightharpoons{}",
    r"\longRightleftharpoons": r"\xrightleftharpoons{}",
    r"\longrightleftharpoons": r"\xrightleftharpoons{}",
    r"\longleftrightarrows": r"\xtofrom{}",
    **{"\\" + name: f"{cmd}{{#1}}" for name, cmd in _FONTS.items()},
    # upgreek: KaTeX's fonts have no upright lowercase Greek; text mode draws it upright.
    **{f"\\up{name}": f"\\text{{{chr(code)}}}" for name, code in _UPGREEK.items()},
    **{f"\\Up{name.lower()}": f"\\{name}" for name in _UPGREEK_CAPITALS},
}

# Run by KaTeX once per renderer (katex_render.cjs): these need delimited parameters.
PREAMBLE = "".join(
    (
        r"\gdef\root#1\of{\sqrt[{#1}]}",
        r"\gdef\buildrel#1\over{\stackrel{#1}}",
        r"\gdef\toggle#1#2\endtoggle{#1}",
        # \foo[opt]{x} for preamble macros with an optional argument (see parse_preamble).
        r"\gdef\hortus@optarg#1[#2]{#1{#2}}",
    )
)

# MathJax accepts these in inline math; KaTeX only in display mode.
_INLINE_ENVS = {
    "align": "aligned", "align*": "aligned", "flalign": "aligned", "flalign*": "aligned",
    "split": "aligned", "gather": "gathered", "gather*": "gathered", "multline": "gathered",
    "multline*": "gathered", "equation": "gathered", "equation*": "gathered",
    "alignat": "alignedat", "alignat*": "alignedat", "xalignat": "alignedat",
    "xalignat*": "alignedat", "xxalignat": "alignedat",
}  # fmt: skip
# MathJax environments KaTeX lacks even in display mode.
_DISPLAY_ENVS = {
    "flalign": "align", "flalign*": "align*", "multline": "gather", "multline*": "gather*",
    "xalignat": "alignat", "xalignat*": "alignat*", "xxalignat": "alignat*",
}  # fmt: skip
# Environments that number equations, so a \tag inside them is MathJax's to show.
_TAGGING_ENVS = frozenset(
    {"align", "align*", "flalign", "flalign*", "gather", "gather*", "multline", "multline*",
     "equation", "equation*", "alignat", "alignat*", "xalignat", "xalignat*", "xxalignat",
     "eqnarray", "eqnarray*"}
)  # fmt: skip

_ENV = re.compile(r"\\(begin|end)\s*\{([a-zA-Z]+\*?)\}")
_TAG = re.compile(r"\\tag(?![a-zA-Z])\s*\*?\s*(?=\{)")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_REF = re.compile(r"\\(eq)?ref(?![a-zA-Z])\s*\{([^{}]*)\}")
_NUMCASES = re.compile(r"\\begin\s*\{(?:sub)?numcases\}\s*(?=\{)")
_CD = re.compile(r"\\begin\s*\{CD\}")
_ROW = re.compile(r"\\\\|\\cr(?![a-zA-Z])")
_DIMEN = r"(\{[^{}]*\}|[-+]?\s*(?:\d+(?:\.\d*)?|\.\d+)\s*[a-zA-Z]{2})"
_RAISE = re.compile(
    r"\\(raise|lower|moveleft|moveright)(?![a-zA-Z])\s*" + _DIMEN + r"(\s*\\[hmv]box(?![a-zA-Z]))?"
)
_UNICODE = re.compile(r"\\unicode\s*(?:\[[^\]]*\])?\s*\{\s*(?:0?[xX]([0-9a-fA-F]+)|(\d+))\s*\}")
_BBOX = re.compile(r"\\bbox\s*\[([^\]]*)\]")
_ENCLOSE = re.compile(r"\\enclose\s*\{([^{}]*)\}\s*(?:\[[^\]]*\])?")
_COLOR = re.compile(r"[a-zA-Z]+|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}")
_TRIGGERS = ("\\begin", "\\tag", "ref", "\\raise", "\\lower", "\\move", "\\unicode", "\\bbox",
             "\\enclose")  # fmt: skip


def group_end(text: str, start: int) -> int:
    """Index just past the brace group opening at text[start] ("{"), or -1 if it never closes."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _tag_spans(tex: str) -> list[tuple[int, int, str]]:
    """(start, end, tag text) of every \\tag{...} / \\tag*{...}."""
    spans = []
    for m in _TAG.finditer(tex):
        end = group_end(tex, m.end())
        if end != -1:
            spans.append((m.start(), end, tex[m.end() + 1 : end - 1].strip()))
    return spans


def collect_labels(texts: Iterable[str]) -> dict[str, str]:
    """label -> tag text for rows that carry both a \\tag and a \\label.

    MathJax (Obsidian uses tags: "none") numbers only explicit \\tag{...}, so only
    those labels resolve. A label tagged differently in two formulas is dropped:
    the batch spans pages, and guessing the wrong number is worse than "???".
    """
    found: dict[str, str | None] = {}
    for tex in texts:
        if "\\label" not in tex or "\\tag" not in tex:
            continue
        for row in _ROW.split(tex):
            tags = _tag_spans(row)
            labels = _LABEL.findall(row)
            if len(tags) != 1 or not labels:
                continue
            for label in labels:
                key = label.strip()
                tag = tags[0][2]
                found[key] = tag if found.get(key, tag) == tag else None
    return {k: v for k, v in found.items() if v is not None}


def _negate(dimen: str) -> str:
    d = dimen.replace(" ", "")
    if d.startswith("-"):
        return d[1:]
    return "-" + d.removeprefix("+")


def _raise(m: re.Match[str]) -> str:
    kind, dimen, hbox = m.group(1), m.group(2), m.group(3)
    if dimen.startswith("{"):
        dimen = dimen[1:-1]
    dimen = dimen.replace(" ", "")
    if kind in ("lower", "moveleft"):
        dimen = _negate(dimen)
    if kind in ("raise", "lower"):
        # \raise d \hbox{..}: the box's text is \raisebox's own (text-mode) argument.
        return rf"\raisebox{{{dimen}}}" if hbox else rf"\hortus@raise{{{dimen}}}"
    move = r"\hortus@movetext" if hbox else r"\hortus@move"
    return rf"{move}{{{dimen}}}{{{_negate(dimen)}}}"


def _unicode(m: re.Match[str]) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return f'{{\\char"{code:X}}}'


def _bbox(m: re.Match[str]) -> str:
    options = [o.strip() for o in m.group(1).split(",")]
    colors = [o for o in options if _COLOR.fullmatch(o)]
    if colors:
        return rf"\hortus@bboxcolor{{{colors[0]}}}"
    if any(o.startswith("border") for o in options):
        return r"\hortus@bboxframe"
    return r"\hortus@id"


def _enclose(m: re.Match[str]) -> str:
    notation = set(m.group(1).replace(",", " ").split())
    if notation & {"box", "roundedbox", "circle"}:
        return r"\boxed"
    if {"updiagonalstrike", "downdiagonalstrike"} <= notation:
        return r"\xcancel"
    if notation & {"updiagonalstrike", "updiagonalarrow"}:
        return r"\cancel"
    if "downdiagonalstrike" in notation:
        return r"\bcancel"
    if "horizontalstrike" in notation:
        return r"\sout"
    return r"\hortus@id"


def _rewrite_envs(tex: str, table: dict[str, str]) -> str:
    def swap(m: re.Match[str]) -> str:
        kind, name = m.group(1), m.group(2)
        if name in ("eqnarray", "eqnarray*"):
            # Three columns, right-centre-left, each in display style.
            return r"\begin{darray}{rcl}" if kind == "begin" else r"\end{darray}"
        if name in ("numcases", "subnumcases"):
            return m.group(0) if kind == "begin" else r"\end{cases}"
        new = table.get(name)
        return m.group(0) if new is None else f"\\{kind}{{{new}}}"

    tex = _ENV.sub(swap, tex)
    # numcases' argument is the left-hand side: \begin{numcases}{f(x)=} -> {f(x)=}\begin{cases}
    for m in reversed(list(_NUMCASES.finditer(tex))):
        end = group_end(tex, m.end())
        if end != -1:
            tex = tex[: m.start()] + tex[m.end() : end] + r"\begin{cases}" + tex[end:]
    return tex


_SCRIPT_COMMAND = re.compile(r"([\^_])\s*(\\[a-zA-Z]+)(?![a-zA-Z])\s*(?=([{\[])?)")
# Commands that take no argument: a brace group after one as a script is not its argument
# (`T^\mu{}_\nu`, `\partial_\mu{\phi}`), and KaTeX takes it as a script as it is.
_NO_ARGUMENT_NAMES = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa "
    "lambda mu nu xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi "
    "psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega digamma "
    "varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi "
    "varOmega aleph beth gimel ell hbar hslash imath jmath wp Re Im partial nabla infty "
    "prime backprime ast star circ bullet cdot times div pm mp dagger ddagger top bot "
    "perp parallel emptyset varnothing forall exists nexists neg lnot land lor wedge vee "
    "cap cup in notin ni sim simeq approx cong equiv propto le leq ge geq ne neq ll gg "
    "lt gt to gets leftarrow rightarrow Leftarrow Rightarrow leftrightarrow "
    "Leftrightarrow mapsto uparrow downarrow ldots cdots vdots ddots dots angle triangle "
    "square Box diamond S P flat natural sharp clubsuit diamondsuit heartsuit spadesuit "
    "checkmark degree circledast circledcirc star bigstar complement mho eth "
    "surd intercal"
)
_NO_ARGUMENT = frozenset(_NO_ARGUMENT_NAMES.split())
# Operators KaTeX defines as functions of no argument: as a bare script (`T_\max`, `e^\sum`)
# KaTeX refuses them ("no arguments as subscript"); MathJax sets them as the script.
_OPERATOR_NAMES = (
    "sum prod coprod intop smallint bigcap bigcup bigvee bigwedge biguplus bigotimes bigoplus "
    "bigodot bigsqcup arcsin arccos arctan arctg arcctg arg ch cos cosec cosh cot cotg coth "
    "csc ctg cth deg dim exp hom ker lg ln log sec sin sinh sh tan tanh tg th det gcd inf lim "
    "max min Pr sup limsup liminf injlim projlim varlimsup varliminf varinjlim varprojlim "
    "argmin argmax plim iff implies impliedby"
)
_OPERATOR = frozenset(_OPERATOR_NAMES.split())


def _brace_script_commands(tex: str) -> str:
    r"""`x^\sqrt{2}` and `4^\card{E}`: MathJax takes a command with its arguments as the
    script; KaTeX wants braces around them, so add them (`x^{\sqrt{2}}`), and around an
    operator (`T_{\max}`). A command that takes none (`x^\mu{}`) is left as it is."""
    out: list[str] = []
    last = 0
    for m in _SCRIPT_COMMAND.finditer(tex):
        name = m.group(2)[1:]
        if m.start() < last or name in _NO_ARGUMENT:
            continue
        if name in _OPERATOR:  # `T_\max`: the operator alone is the script
            out.append(tex[last : m.start()] + m.group(1) + "{" + m.group(2) + "}")
            last = m.end(2)
            continue
        if m.group(3) is None:  # no argument follows
            continue
        end = next_arg = m.end()
        while next_arg < len(tex) and tex[next_arg] in "{[":
            opener = tex[next_arg]
            close = group_end(tex, next_arg) if opener == "{" else tex.find("]", next_arg) + 1
            if close <= 0:
                break
            end = close
            next_arg = len(tex[:end]) + len(tex[end:]) - len(tex[end:].lstrip(" "))
        out.append(tex[last : m.start()] + m.group(1) + "{" + tex[m.start(2) : end] + "}")
        last = end
    return "".join(out) + tex[last:]


def adapt(tex: str, display: bool, labels: dict[str, str] | None = None) -> tuple[str, bool]:
    """MathJax-flavoured (tex, display) -> what KaTeX should typeset to look like Obsidian."""
    if ("^\\" in tex or "_\\" in tex or "^ \\" in tex) and _SCRIPT_COMMAND.search(tex):
        tex = _brace_script_commands(tex)
    if not any(t in tex for t in _TRIGGERS):
        return tex, display
    if "ref" in tex and labels:

        def ref(m: re.Match[str]) -> str:
            tag = labels.get(m.group(2).strip())
            if tag is None:
                return m.group(0)
            return rf"\text{{({tag})}}" if m.group(1) else rf"\text{{{tag}}}"

        tex = _REF.sub(ref, tex)
    if "\\raise" in tex or "\\lower" in tex or "\\move" in tex:
        tex = _RAISE.sub(_raise, tex)
    if "\\unicode" in tex:
        tex = _UNICODE.sub(_unicode, tex)
    if "\\bbox" in tex:
        tex = _BBOX.sub(_bbox, tex)
    if "\\enclose" in tex:
        tex = _ENCLOSE.sub(_enclose, tex)
    if "\\tag" in tex and not display:
        if {m.group(2) for m in _ENV.finditer(tex)} & _TAGGING_ENVS:
            # MathJax shows an inline numbered environment full width with its
            # tags at the right: that is what KaTeX's display mode draws.
            display = True
        else:
            # MathJax silently drops a \tag of plain inline math.
            for start, end, _ in reversed(_tag_spans(tex)):
                tex = tex[:start] + tex[end:]
    if not display and "{CD}" in tex and _CD.search(tex):
        display = True  # KaTeX draws commutative diagrams only in display mode
    if "\\begin" in tex:
        tex = _rewrite_envs(tex, _DISPLAY_ENVS if display else _INLINE_ENVS)
    return tex, display
