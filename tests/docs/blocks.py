"""The documents as tests: their fenced blocks, the annotations that say how
to run each one, and how a shown output is matched against a real one.

Pure Python, no sandbox: read by docs_test.py (which runs the blocks) and
by its own self-test (test_blocks.py).

A document is read from top to bottom. `## ` headings start sections. An
HTML comment just before a fenced block says what to do with it:

    <!-- doc: given CMD -->       run CMD as root, silently, before the block
                                  (it must succeed); several may be given
    <!-- doc: exempt: WHY -->     the block is not run; WHY is printed and
                                  counted (an illustration, or a command the
                                  sandbox cannot run, with where it is tested)
    <!-- doc: file NAME -->       the block is a file the commands after it
                                  use (a play, an inventory): it is written
                                  to NAME where they run

Without `exempt`, a block whose lines start with `$ ` is run: each command
(a `$ ` line and its `\\` continuations) in the sandbox, stdout and stderr
together, and what follows it up to the next `$ ` is the output it must
print. A non-zero exit status is shown as the output's last line,
`(exit status N)`. A `sh` block (commands without prompts or outputs) is
run line by line, each command must succeed. Any other fenced block must be
marked exempt: nothing in the guides is silently skipped.

In a shown output, a line that is only `...` stands for any number of
lines, a line ending in ` ...` for any rest of that line, and the variable
parts in PATTERNS (PIDs, times, versions) match any
value of their shape; everything else must be equal.
"""
import re

# (what it is, a regex for it in a shown line, what it matches in a real one)
PATTERNS = [
    ("a process ID", r"(?<=PID )\d+|(?<=pid=)\d+|(?<=kill )\d+|(?<=/proc/)\d+", r"\d+"),
    ("a duration", r"\d+(?:\.\d+)? ms\b", r"\d+(?:\.\d+)? ms"),
    ("a response time", r"(?<=took )\d+\.\d+ s\b", r"\d+\.\d+ s"),
    ("a plugin time", r"(?<=time=)\d+\.\d+s|(?<=api_time=)\d+\.\d+s", r"\d+\.\d+s"),
    ("a timestamp", r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d| UTC)?",
     r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d| UTC)?"),
    ("a backup's time", r"(?<=\.)\d{8}T\d{6}Z", r"\d{8}T\d{6}Z"),
    ("an age", r"\b\d+(?:\.\d+)? ?s ago\b|\b\d+ min ago\b", r"\d+(?:\.\d+)? ?(?:s|min) ago"),
]
ELLIPSIS = "..."
EXIT_LINE = re.compile(r"^\(exit status (\d+)\)$")
COMMENT = re.compile(r"\s+#\s.*$")
ANNOTATION = re.compile(r"^<!--\s*doc:\s*(.*?)\s*-->\s*$")


class Block:
    def __init__(self, path, line, section, lang, lines, given, exempt, file=None):
        self.path = path
        self.line = line          # 1-based line of the opening fence
        self.section = section    # the `## ` heading it is under ("" before any)
        self.lang = lang
        self.lines = lines        # the block's content, without fences
        self.given = given        # setup commands from `doc: given`
        self.exempt = exempt      # the reason, or None
        self.file = file          # the name it is written to (`doc: file`), or None

    def where(self):
        return "%s:%d" % (self.path, self.line)

    def kind(self):
        if self.exempt is not None:
            return "exempt"
        if self.file is not None:
            return "file"
        if any(l.startswith("$ ") for l in self.lines):
            return "session"
        if self.lang == "sh":
            return "script"
        return "unmarked"

    def key(self):
        """What the two guides must have alike: everything but a comment
        after a command (`$ cmd   # a word for the reader`) and the reason
        of an exempt block, which each guide says in its language."""
        lines = tuple(COMMENT.sub("", l) if l.startswith("$ ") or self.lang == "sh" else l
                      for l in self.lines)
        return (tuple(self.given), self.exempt is None, self.file, self.lang, lines)


class Command:
    def __init__(self, text, shown, first_line):
        self.text = text          # the shell command, continuations joined
        self.shown = shown        # the output lines shown after it
        self.first_line = first_line  # index in Block.lines


def with_commands_of(lines, other):
    """`lines` (a block's new content) with each command line replaced by
    the block `other`'s line for the same command, where it differs only in
    its comment: the German guide's blocks keep their comments. Command
    lines are the `$ ` lines, or every line of a sh block."""
    is_command = (lambda l: True) if other.lang == "sh" else (lambda l: l.startswith("$ "))
    theirs = [l for l in other.lines if is_command(l)]
    out, i = [], 0
    for l in lines:
        if is_command(l):
            mine = theirs[i] if i < len(theirs) else None
            i += 1
            if mine is not None and COMMENT.sub("", mine) == COMMENT.sub("", l):
                l = mine
        out.append(l)
    return out


def _no_notes():
    return {"given": [], "exempt": None, "file": None}


def _annotation(word, notes, path, line):
    """One `doc:` annotation, into `notes` (a `given` is appended)."""
    if word.startswith("given "):
        notes["given"].append(word[len("given "):])
    elif word.startswith("exempt:"):
        notes["exempt"] = word[len("exempt:"):].strip()
    elif word.startswith("file "):
        notes["file"] = word[len("file "):].strip()
    else:
        raise ValueError("%s:%d: unknown annotation %r" % (path, line, word))


def _noted(notes):
    return notes["given"] or notes["exempt"] is not None or notes["file"] is not None


def read_blocks(path, text):
    """The fenced blocks of a Markdown document, with their annotations."""
    blocks = []
    section = ""
    notes = _no_notes()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = ANNOTATION.match(line)
        if line.startswith("## "):
            section = line[3:].strip()
        elif m:
            _annotation(m.group(1), notes, path, i + 1)
        elif line.startswith("```"):
            lang = line[3:].strip()
            start = i
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise ValueError("%s:%d: a fenced block is not closed" % (path, start + 1))
            blocks.append(Block(path, start + 1, section, lang, body, notes["given"],
                                notes["exempt"], notes["file"]))
            notes = _no_notes()
        elif line.strip() and _noted(notes):
            raise ValueError("%s:%d: an annotation must stand just before its block"
                             % (path, i + 1))
        i += 1
    return blocks


def read_man_examples(path, text):
    """The EXAMPLES of an scdoc man page as sh blocks: each tab-indented
    paragraph (commands joined by `++` line breaks, `\\` ending a line
    that goes on), with `; doc: ...` comment lines before it as its
    annotations."""
    lines = text.split("\n")
    try:
        start = lines.index("# EXAMPLES")
    except ValueError:
        return []
    found = []
    notes = _no_notes()
    i = start + 1
    while i < len(lines) and not lines[i].startswith("# "):
        line = lines[i]
        m = re.match(r"^; doc:\s*(.*)$", line)
        if m:
            _annotation(m.group(1).strip(), notes, path, i + 1)
        elif line.startswith("\t"):
            first = i
            body = []
            while i < len(lines) and lines[i].strip():
                body.append(lines[i].lstrip("\t"))
                i += 1
            cmds, text_so_far = [], ""
            for l in body:
                l = l[:-2] if l.endswith("++") else l
                if l.endswith("\\\\"):
                    text_so_far += l[:-2] + "\\\n"
                    continue
                cmds.append(text_so_far + l)
                text_so_far = ""
            found.append(Block(path, first + 1, "EXAMPLES", "sh", cmds, notes["given"],
                               notes["exempt"], notes["file"]))
            notes = _no_notes()
            continue
        i += 1
    return found


def commands(block):
    """A session block's commands with the output shown after each."""
    found = []
    i = 0
    lines = block.lines
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError("%s: output before the first command" % block.where())
        first = i
        text = lines[i][2:]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text + "\n" + lines[i]
        i += 1
        shown = []
        while i < len(lines) and not lines[i].startswith("$ "):
            shown.append(lines[i])
            i += 1
        found.append(Command(text, shown, first))
    return found


def script_commands(block):
    """A sh block's commands: lines, `\\` continuations joined, comments
    and blank lines left out."""
    found = []
    text = ""
    for line in block.lines:
        if not text and (not line.strip() or line.lstrip().startswith("#")):
            continue
        text = text + ("\n" if text else "") + line
        if not line.endswith("\\"):
            found.append(text)
            text = ""
    if text:
        found.append(text)
    return found


def _line_regex(shown):
    """A shown line as a regex: literal, but for the PATTERNS' parts; a line
    ending in ` ...` matches any rest of the line."""
    rest = ""
    if shown.endswith(" " + ELLIPSIS):
        shown, rest = shown[:-len(ELLIPSIS)], ".*"
    spans = []
    for _, find, _ in PATTERNS:
        for m in re.finditer(find, shown):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), _matcher(find)))
    spans.sort()
    out, at = [], 0
    for s, e, real in spans:
        out.append(re.escape(shown[at:s]))
        out.append(real)
        at = e
    out.append(re.escape(shown[at:]))
    return re.compile("".join(out) + rest + r"\Z")


def _matcher(find):
    for _, f, real in PATTERNS:
        if f == find:
            return real
    raise KeyError(find)


def line_matches(shown, real):
    return shown == real or bool(_line_regex(shown).match(real))


def expected_output(shown):
    """The shown lines without trailing blank ones, and the exit status the
    block says (0 unless its last line is `(exit status N)`)."""
    lines = list(shown)
    while lines and not lines[-1].strip():
        lines.pop()
    m = EXIT_LINE.match(lines[-1].strip()) if lines else None
    if m:
        lines.pop()
    return lines, int(m.group(1)) if m else 0


def exit_line(status):
    """How a block shows a non-zero exit status, as its output's last line."""
    return "(exit status %d)" % status


def real_output(text):
    """A command's output as lines, trailing blanks stripped."""
    return [l.rstrip() for l in text.rstrip("\n").split("\n")] if text.strip() else []


def matches(shown, real):
    """Whether the real lines are what the shown lines say (`...` any run
    of lines, PATTERNS' parts any value of their shape)."""
    shown = [l.rstrip() for l in shown]
    memo = {}

    def go(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(shown):
            ok = j == len(real)
        elif shown[i].strip() == ELLIPSIS:
            ok = any(go(i + 1, k) for k in range(j, len(real) + 1))
        else:
            ok = j < len(real) and line_matches(shown[i], real[j]) and go(i + 1, j + 1)
        memo[(i, j)] = ok
        return ok
    return go(0, 0)


def updated(shown, real):
    """The shown lines rewritten from a real run: lines that still match
    stay as shown (the example PIDs and times), `...` stays where it stands
    for lines, everything else is the real output. An alignment of the two
    (edit distance, `...` free over any run)."""
    shown = [l.rstrip() for l in shown]
    n, m = len(shown), len(real)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    step = [[None] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best, how = inf, None
            if i < n and shown[i].strip() == ELLIPSIS:
                for k in range(j, m + 1):
                    if cost[i + 1][k] < best:
                        best, how = cost[i + 1][k], ("skip", k)
            else:
                if i < n and j < m:
                    c = (0 if line_matches(shown[i], real[j]) else 1) + cost[i + 1][j + 1]
                    if c < best:
                        best, how = c, ("pair",)
                if i < n and cost[i + 1][j] + 1 < best:
                    best, how = cost[i + 1][j] + 1, ("drop",)
            if j < m and cost[i][j + 1] + 1 < best:
                best, how = cost[i][j + 1] + 1, ("add",)
            cost[i][j], step[i][j] = best, how
    out, i, j = [], 0, 0
    while (i, j) != (n, m):
        how = step[i][j]
        if how[0] == "skip":
            out.append(shown[i])
            i, j = i + 1, how[1]
        elif how[0] == "pair":
            out.append(shown[i] if line_matches(shown[i], real[j]) else real[j])
            i, j = i + 1, j + 1
        elif how[0] == "drop":
            i += 1
        else:
            out.append(real[j])
            j += 1
    return out
