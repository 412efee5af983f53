r"""The registry's LaTeX statements as HTML in plain Unicode (no math renderer, no network).

A theorem's ``statement`` is a short LaTeX formula. :func:`to_html` writes it with Unicode symbols
(∇, ‖·‖, ρ, ≤, 𝔼, Σ, ⟨·,·⟩ ...), superscripts and subscripts as ``<sup>``/``<sub>``, and fractions
inline as ``a/b`` (operands in parentheses when they are more than one symbol), so that
``\frac{4\Delta}{\eta T}+3\beta^2\rho^2`` reads ``4Δ/(ηT) + 3β²ρ²`` in the page. It covers the
subset the registry uses; an unknown command is kept as its name and listed by :func:`unknown_commands`
(the tests require that list to be empty for every registered statement).
"""
from __future__ import annotations

import html
import re

SYMBOLS = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "nabla": "∇", "partial": "∂", "infty": "∞", "sum": "Σ", "prod": "Π", "int": "∫",
    "langle": "⟨", "rangle": "⟩", "|": "‖", "lVert": "‖", "rVert": "‖", "Vert": "‖", "mid": "|", "vert": "|",
    "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…", "times": "×", "pm": "±", "circ": "∘",
    "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "Leftrightarrow": "⇔", "iff": "⇔", "implies": "⇒",
    "forall": "∀", "exists": "∃", "in": "∈", "notin": "∉", "subset": "⊂", "cup": "∪", "cap": "∩",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "{": "{", "}": "}", "prime": "′",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "min": "min", "max": "max", "sup": "sup", "inf": "inf", "lim": "lim", "liminf": "liminf",
    "limsup": "limsup", "log": "log", "ln": "ln", "exp": "exp", "cos": "cos", "sin": "sin", "arg": "arg",
    "det": "det", "sign": "sign",
    # spacing
    "quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", ";": "\u2005", ":": "\u2005", " ": " ", "!": "",
}
#: commands that only size or place delimiters: dropped
IGNORED = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "left", "right", "displaystyle",
           "textstyle", "rm", "nolimits", "limits"}
#: letter styles: \mathbb E -> 𝔼 and so on (letters the registry uses; others stay plain)
STYLED = {"mathbb": {"E": "𝔼", "R": "ℝ", "N": "ℕ", "P": "ℙ", "Z": "ℤ"},
          "mathcal": {"O": "𝒪", "L": "ℒ", "F": "ℱ", "N": "𝒩"}}
#: accents, as a combining character after the letter
ACCENTS = {"tilde": "\u0303", "bar": "\u0304", "hat": "\u0302", "overline": "\u0305", "dot": "\u0307"}
TEXT = {"text", "mathrm", "textrm", "operatorname", "textit", "mathit", "texttt", "mbox", "textbf", "mathbf"}
FRACTIONS = {"frac", "tfrac", "dfrac"}

_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_])|(\s+)|(.)", re.S)


class _Parser:
    def __init__(self, source):
        self.tokens = [m for m in _TOKEN.finditer(source)]
        self.pos = 0
        self.unknown = []

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self):
        token = self.peek()
        self.pos += 1
        return token

    def group(self, closing=None) -> str:
        """Atoms up to ``closing`` (``}``) or the end, as HTML."""
        out = []
        while True:
            token = self.peek()
            if token is None:
                break
            if closing and token.group(2) == closing:
                self.pos += 1
                break
            out.append(self.atom())
        return "".join(out)

    def argument(self) -> str:
        """One argument: a braced group, a command, or one character (``\frac1T``)."""
        while self.peek() is not None and self.peek().group(3):  # spaces before an argument
            self.pos += 1
        token = self.peek()
        if token is None:
            return ""
        if token.group(2) == "{":
            self.pos += 1
            return self.group("}")
        return self.atom()

    def raw_argument(self) -> str:
        """A braced group read as text (for ``\text{...}``)."""
        token = self.peek()
        if token is None or token.group(2) != "{":
            return self.argument()
        self.pos += 1
        depth, out = 1, []
        while self.peek() is not None:
            token = self.next()
            if token.group(2) == "{":
                depth += 1
            elif token.group(2) == "}":
                depth -= 1
                if depth == 0:
                    break
            out.append(token.group(0))
        return html.escape("".join(out))

    def atom(self) -> str:
        token = self.next()
        command, special, space, char = token.groups()
        if space:
            return ""  # math mode ignores spaces
        if special == "{":
            return self.group("}")
        if special == "}":
            return ""
        if special in ("^", "_"):
            tag = "sup" if special == "^" else "sub"
            return f"<{tag}>{self.argument()}</{tag}>"
        if char is not None:
            return {"-": "−", "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "′", "*": "*"}.get(char, html.escape(char))
        if command in IGNORED:
            return ""
        if command in SYMBOLS:
            symbol = SYMBOLS[command]
            return symbol + (" " if command in ("min", "max", "sup", "inf", "lim", "log", "ln", "exp", "cos", "sin")
                             and self._next_is_word() else "")
        if command in FRACTIONS:
            numerator, denominator = self.argument(), self.argument()
            return f"{_operand(numerator, True)}/{_operand(denominator, False)}"
        if command == "sqrt":
            inside = self.argument()
            return f"√{_operand(inside, False)}"
        if command in STYLED:
            letter = self.argument()
            return STYLED[command].get(letter, letter)
        if command in ACCENTS:
            base = self.argument()
            return base + ACCENTS[command] if _plain(base) and len(_plain(base)) == 1 else base + ACCENTS[command]
        if command in TEXT:
            return self.raw_argument()
        self.unknown.append(command)
        return html.escape(command)

    def _next_is_word(self):
        token = self.peek()
        return token is not None and (token.group(4) or "").isalnum()


def _plain(markup) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def _operand(markup, numerator) -> str:
    """``markup`` as one operand of ``/``: in parentheses unless it is a single symbol (or, as a
    numerator, a product without operators)."""
    text = html.unescape(_plain(markup)).strip()
    core = html.unescape(_plain(re.sub(r"<(sup|sub)>.*?</\1>", "", markup))).strip()  # without exponents
    if len(core) <= 1 or re.fullmatch(r"\d+(\.\d+)?|√.|\(.*\)", core):
        return markup
    if numerator and not re.search(r"[+−\-=<>≤≥,\s]", text):
        return markup
    return f"({markup})"


def to_html(latex) -> str:
    """``latex`` (a formula) as HTML with Unicode symbols (module docstring)."""
    parser = _Parser(str(latex))
    return re.sub(r"\s{2,}", " ", parser.group())


def to_text(latex) -> str:
    """The formula as plain Unicode text (``<sup>2</sup>`` written ``^2``, ``<sub>t</sub>`` ``_t``)."""
    markup = to_html(latex)
    markup = re.sub(r"<sup>(.*?)</sup>", lambda m: "^" + (m.group(1) if len(_plain(m.group(1))) == 1
                                                           else "(" + m.group(1) + ")"), markup)
    markup = re.sub(r"<sub>(.*?)</sub>", lambda m: "_" + (m.group(1) if len(_plain(m.group(1))) == 1
                                                           else "(" + m.group(1) + ")"), markup)
    return html.unescape(_plain(markup))


def unknown_commands(latex) -> list:
    """Commands of ``latex`` that :func:`to_html` does not know (kept as their bare names)."""
    parser = _Parser(str(latex))
    parser.group()
    return parser.unknown
