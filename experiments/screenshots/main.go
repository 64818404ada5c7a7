// Command screenshots takes the README's pictures of `boltzmann serve`:
// it serves a directory of runs, opens the list, one run's page, a
// comparison of runs and a sweep's page in headless Chromium, and saves
// them as PNG.
//
//	go run ./experiments/screenshots -dir runs -run fashion-mnist/rbm -out docs
//	go run ./experiments/screenshots -dir runs -compare digits/h10,digits/h16,digits/h18 -sweep lr-sweep -out docs
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/serve"
	"github.com/chromedp/chromedp"
)

func main() {
	dir := flag.String("dir", "runs", "directory of runs to serve")
	run := flag.String("run", "", "run (relative to -dir) whose page to take")
	compare := flag.String("compare", "", "comma-separated runs (relative to -dir) to take compared")
	sweep := flag.String("sweep", "", "sweep directory (relative to -dir) whose page to take")
	out := flag.String("out", "docs", "directory for the PNG files")
	flag.Parse()
	if err := shoot(*dir, *run, *compare, *sweep, *out); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func shoot(dir, run, compare, sweep, out string) error {
	s, err := serve.New(dir)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1300, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelT()
	pages := map[string]string{}
	if compare == "" && sweep == "" {
		pages["serve-list.png"] = srv.URL + "/"
	}
	if run != "" {
		pages["serve-run.png"] = srv.URL + "/#/run/" + url.PathEscape(run)
	}
	if compare != "" {
		var parts []string
		for _, r := range strings.Split(compare, ",") {
			parts = append(parts, url.PathEscape(r))
		}
		pages["serve-compare.png"] = srv.URL + "/#/compare/" + strings.Join(parts, "|")
	}
	if sweep != "" {
		pages["serve-sweep.png"] = srv.URL + "/#/sweep/" + url.PathEscape(sweep)
	}
	for name, u := range pages {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(u)); err != nil {
			return err
		}
		// Wait for what each page draws: the list's rows, a run's samples,
		// the comparison's chart, the sweep's leaderboard.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#runs tr + tr") !== null || (document.getElementById("samples")?.complete && document.getElementById("samples").naturalWidth > 0) || document.querySelector(".charts svg circle") !== null && location.hash.startsWith("#/compare") || document.querySelector("#leaderboard tr + tr") !== null`,
			chromedp.WithPollingTimeout(4*time.Minute))); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		time.Sleep(500 * time.Millisecond)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
			return err
		}
		fmt.Println(filepath.Join(out, name))
	}
	return nil
}
