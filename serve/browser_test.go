package serve

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium to drive: skipped outside CI when there is
// none, a failure in CI (.ci/run installs Debian's chromium).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium on the PATH: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("no Chromium on the PATH (apt-get install chromium): the browser test is skipped")
	return ""
}

// TestPageInABrowser opens the page in headless Chromium: it shows a
// finished run by name; a second run, trained while the page stays open,
// appears with its last epoch and no reload; its own page follows a third
// run's epochs live and draws its curves and pictures. SERVE_SCREENSHOTS=DIR
// saves screenshots of the pages there (the README's).
func TestPageInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	exe := chromium(t)
	root := t.TempDir()
	toyRun(t, root, "first", 3)
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	s.Poll = 100 * time.Millisecond
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1400, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	wait := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	wait("the finished run", `document.querySelector('tr[data-run="first"] td.epoch')?.textContent === "3 / 3"`)

	// A run trained while the page is open appears, and its epochs rise.
	done := make(chan error, 1)
	go func() { done <- trainSlowly(root, "second", 4, 150*time.Millisecond) }()
	wait("the second run", `document.querySelector('tr[data-run="second"]') !== null`)
	wait("the second run's last epoch", `document.querySelector('tr[data-run="second"] td.epoch')?.textContent === "4 / 4"`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "serve-list.png")

	// A run's page follows it live: its epoch, curves and pictures.
	go func() { done <- trainSlowly(root, "third", 5, 150*time.Millisecond) }()
	wait("the third run", `document.querySelector('tr[data-run="third"]') !== null`)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/#/run/third")); err != nil {
		t.Fatal(err)
	}
	wait("the third run's last epoch on its page", `document.getElementById("epoch")?.textContent === "5"`)
	wait("a marker for each of its five epochs", `document.querySelectorAll("#charts svg")[0]?.querySelectorAll("circle").length >= 5`)
	wait("its filters", `document.getElementById("filters")?.complete && document.getElementById("filters").naturalWidth > 0`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "serve-run.png")
}

// trainSlowly trains a toy run that pauses after every update, so that a
// page can watch it.
func trainSlowly(root, name string, epochs int, pause time.Duration) error {
	cfg := kinds.Defaults()
	cfg.Data, cfg.Validation = filepath.Join(root, "toy.npz"), 0
	cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.Chains = 6, epochs, 50, 20
	split, err := cfg.LoadData("")
	if err != nil {
		return err
	}
	_, err = kinds.Train(context.Background(), cfg, split, train.Options{Dir: filepath.Join(root, name),
		AfterStep: func(checkpoint.Progress) { time.Sleep(pause) }})
	return err
}

func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("SERVE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
