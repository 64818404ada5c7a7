package docs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the module's root, seen from this package's directory.
const root = ".."

// modulePath is the module's import path; the snippets are compiled as
// packages under docs/internal/snippetN, which exist only in an overlay.
const modulePath = "github.com/boltzmann-go/boltzmann"

// maxReadmeLines is the README's budget: a front door that fits a screen.
const maxReadmeLines = 200

// pages returns README.md and docs/*.md, as paths relative to root.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

func read(t *testing.T, page string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A snippet is one ```go block: its page, the line of its first line of
// code, and its text.
type snippet struct {
	page string
	line int
	code string
}

// fence matches an opening or closing code fence and its info string.
var fence = regexp.MustCompile("^ {0,3}```\\s*(\\S*)")

// snippets returns the ```go blocks of page.
func snippets(page, text string) []snippet {
	var out []snippet
	var cur *snippet
	var lines []string
	inFence := false
	for i, l := range strings.Split(text, "\n") {
		m := fence.FindStringSubmatch(l)
		switch {
		case m != nil && !inFence:
			inFence = true
			if m[1] == "go" {
				cur, lines = &snippet{page: page, line: i + 2}, nil
			}
		case m != nil && inFence:
			inFence = false
			if cur != nil {
				cur.code = strings.Join(lines, "\n") + "\n"
				out = append(out, *cur)
				cur = nil
			}
		case cur != nil:
			lines = append(lines, l)
		}
	}
	return out
}

// imports are the packages a fragment may use by name, besides the
// module's public packages.
var imports = map[string]string{
	"context":  "context",
	"errors":   "errors",
	"fmt":      "fmt",
	"log":      "log",
	"math":     "math",
	"os":       "os",
	"filepath": "path/filepath",
	"rand":     "math/rand/v2",
	"strings":  "strings",
	"time":     "time",
	"tensor":   "gorgonia.org/tensor",
	"gorgonia": "gorgonia.org/gorgonia",
}

// modulePackages adds the module's public packages to imports, by name.
func modulePackages(t *testing.T, goCmd string) map[string]string {
	t.Helper()
	cmd := exec.Command(goCmd, "list", "-f", "{{.Name}} {{.ImportPath}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	names := map[string]string{}
	for k, v := range imports {
		names[k] = v
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, path, _ := strings.Cut(l, " ")
		if name == "main" || strings.Contains(path, "/internal/") || strings.Contains(path, "/wip/") {
			continue
		}
		if prev, ok := names[name]; ok && prev != path {
			t.Fatalf("two packages named %s (%s, %s): a fragment could not say which it means", name, prev, path)
		}
		names[name] = path
	}
	return names
}

// source returns the file that compiles s. A //line directive makes the
// compiler's positions those of the Markdown page, so an error names the
// page and the line a reader sees.
func source(s snippet, names map[string]string) (string, error) {
	directive := fmt.Sprintf("//line %s:%d\n", s.page, s.line)
	if isWholeFile(s.code) {
		return directive + s.code, nil
	}
	body := "package main\n\nfunc main() {\n" + s.code + "}\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", body, parser.AllErrors)
	if err != nil {
		return "", fmt.Errorf("%s:%d: the fragment does not parse as the body of a function: %v", s.page, s.line, err)
	}
	used := map[string]bool{}
	for _, id := range f.Unresolved {
		if path, ok := names[id.Name]; ok {
			used[path] = true
		}
	}
	var paths []string
	for p := range used {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString(")\n\nfunc main() {\n")
	b.WriteString(directive)
	b.WriteString(s.code)
	b.WriteString("}\n")
	return b.String(), nil
}

// isWholeFile reports whether code starts, after comments, with a package
// clause.
func isWholeFile(code string) bool {
	inBlock := false
	for _, l := range strings.Split(code, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case inBlock:
			inBlock = !strings.Contains(l, "*/")
		case l == "" || strings.HasPrefix(l, "//"):
		case strings.HasPrefix(l, "/*"):
			inBlock = !strings.Contains(l, "*/")
		default:
			return strings.HasPrefix(l, "package ")
		}
	}
	return false
}

// TestSnippetsCompile builds every Go snippet of the README and the docs
// pages against the module as it is, in one go build through an overlay:
// each snippet becomes the package docs/internal/snippetN, which exists
// only there.
func TestSnippetsCompile(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build the snippets with: %v", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	names := modulePackages(t, goCmd)
	var all []snippet
	for _, p := range pages(t) {
		all = append(all, snippets(p, read(t, p))...)
	}
	if len(all) == 0 {
		t.Fatal("no ```go snippets found: the test would hold nothing")
	}
	tmp := t.TempDir()
	replace := map[string]string{}
	var pkgs []string
	byPkg := map[string]snippet{}
	for i, s := range all {
		src, err := source(s, names)
		if err != nil {
			t.Error(err)
			continue
		}
		file := filepath.Join(tmp, fmt.Sprintf("snippet%d.go", i))
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := fmt.Sprintf("docs/internal/snippet%d", i)
		replace[filepath.Join(abs, dir, "main.go")] = file
		pkgs = append(pkgs, "./"+dir)
		byPkg[modulePath+"/"+dir] = s
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	// Building several packages discards their objects: a check that
	// each compiles, without linking.
	cmd := exec.Command(goCmd, append([]string{"build", "-overlay", overlayFile}, pkgs...)...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err == nil {
		t.Logf("%d snippets compile", len(pkgs))
		return
	}
	// The compiler's output, one section per package ("# import/path"),
	// each under the page and line where its snippet starts.
	reported := false
	for _, section := range strings.Split("\n"+out.String(), "\n# ")[1:] {
		header, errs, _ := strings.Cut(section, "\n")
		if s, ok := byPkg[strings.TrimSpace(header)]; ok {
			t.Errorf("%s:%d: this ```go snippet does not compile:\n%s", s.page, s.line, strings.TrimRight(errs, "\n"))
			reported = true
		}
	}
	if !reported {
		t.Errorf("go build of the snippets failed:\n%s", out.String())
	}
}

// link matches an inline Markdown link or image, and a reference
// definition; codeSpan an inline code span.
var (
	link       = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	definition = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
)

// prose returns text without its fenced blocks and code spans, where a
// bracket is code, not a link. Lines are kept, so line numbers hold.
func prose(text string) []string {
	lines := strings.Split(text, "\n")
	inFence := false
	for i, l := range lines {
		if fence.MatchString(l) {
			inFence = !inFence
			lines[i] = ""
			continue
		}
		if inFence {
			lines[i] = ""
			continue
		}
		lines[i] = codeSpan.ReplaceAllString(l, "code")
	}
	return lines
}

// anchors returns the fragment identifiers GitHub gives page's headings.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, l := range prose(strings.ReplaceAll(text, "`", "")) {
		m := regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`).FindStringSubmatch(l)
		if m == nil {
			continue
		}
		slug := slugify(m[1])
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// slugify is GitHub's rule for a heading's anchor: lower case, spaces to
// hyphens, punctuation but hyphens and underscores dropped.
func slugify(heading string) string {
	heading = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && isLetter(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isLetter(r rune) bool { return strings.ToLower(string(r)) != strings.ToUpper(string(r)) }

// TestLinksResolve checks every relative link of the README and the docs
// pages: its file or directory exists, and a #fragment into a Markdown
// page names one of its headings.
func TestLinksResolve(t *testing.T) {
	n := 0
	for _, page := range pages(t) {
		text := read(t, page)
		for i, l := range prose(text) {
			var targets []string
			for _, m := range link.FindAllStringSubmatch(l, -1) {
				targets = append(targets, m[1])
			}
			for _, m := range definition.FindAllStringSubmatch(l, -1) {
				targets = append(targets, m[1])
			}
			for _, target := range targets {
				if regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`).MatchString(target) {
					continue // http:, https:, mailto:
				}
				n++
				if msg := checkLink(t, page, target); msg != "" {
					t.Errorf("%s:%d: link %s: %s", page, i+1, target, msg)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no relative links found: the test would hold nothing")
	}
}

func checkLink(t *testing.T, page, target string) string {
	path, frag, _ := strings.Cut(target, "#")
	file := page
	if path != "" {
		if strings.HasPrefix(path, "/") {
			return "absolute path: GitHub resolves it from the site's root, not the repository's"
		}
		file = filepath.ToSlash(filepath.Join(filepath.Dir(page), path))
		if strings.HasPrefix(file, "../") {
			return "leads out of the repository"
		}
		if _, err := os.Stat(filepath.Join(root, file)); err != nil {
			return "no such file or directory (" + file + ")"
		}
	}
	if frag == "" || !strings.HasSuffix(file, ".md") {
		return ""
	}
	if !anchors(read(t, file))[frag] {
		return "no heading of " + file + " has the anchor #" + frag
	}
	return ""
}

// TestReadmeFitsAScreen holds the README to its budget, and to the test
// command that .ci/run runs as "the README's test command".
func TestReadmeFitsAScreen(t *testing.T) {
	readme := read(t, "README.md")
	if n := strings.Count(strings.TrimRight(readme, "\n"), "\n") + 1; n > maxReadmeLines {
		t.Errorf("README.md has %d lines, more than %d: move the detail to a page under docs/", n, maxReadmeLines)
	}
	ci := strings.Split(read(t, ".ci/run"), "\n")
	found := false
	for i, l := range ci {
		if strings.Contains(l, "the README's test command") && i+1 < len(ci) {
			found = true
			if cmd := strings.TrimSpace(ci[i+1]); !strings.Contains(readme, cmd) {
				t.Errorf("README.md does not show %q, the command .ci/run runs as the README's test command", cmd)
			}
		}
	}
	if !found {
		t.Error(`.ci/run has no line marked "the README's test command"`)
	}
}
