// Command dashboard-check decodes Grafana dashboard JSON files strictly against Grafana's own
// dashboard schema (grafana-foundation-sdk, Apache-2.0: unknown fields, wrong types and missing
// required fields fail), expands every panel target's variables the way Grafana does before it
// sends a query, and parses the result with Prometheus's own PromQL parser. It prints the
// expanded queries as JSON for the tests (which run them on a real Prometheus) and exits 1,
// naming each problem, when any file fails. No Grafana code is built or run.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/prometheus/prometheus/promql/parser"
)

type target struct {
	RefID    string `json:"refId"`
	Expr     string `json:"expr"`
	Exemplar bool   `json:"exemplar"`
	Legend   string `json:"legendFormat,omitempty"`
}

type panel struct {
	Title      string            `json:"title"`
	Type       string            `json:"type"`
	Datasource map[string]string `json:"datasource"`
	Targets    []target          `json:"targets"`
	Thresholds []float64         `json:"thresholds,omitempty"`
	GridPos    gridPos           `json:"gridPos"`
}

// gridPos places a panel on Grafana's 24-column grid (the preview lays panels out by it).
type gridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

type result struct {
	File   string  `json:"file"`
	UID    string  `json:"uid"`
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type overrides map[string]string

func (o overrides) String() string { return fmt.Sprint(map[string]string(o)) }
func (o overrides) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("-var wants name=value, got %q", s)
	}
	o[name] = value
	return nil
}

func main() {
	step := flag.Duration("interval", 15*time.Second, "$__interval: the step Grafana gives a range query")
	scrape := flag.Duration("scrape-interval", 15*time.Second, "the datasource's scrape interval, for $__rate_interval")
	rng := flag.Duration("range", time.Hour, "$__range: the dashboard's time range")
	vars := overrides{}
	flag.Var(vars, "var", "name=value: set a template variable instead of its default (repeatable)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-check [-interval 15s] [-scrape-interval 15s] [-range 1h] [-var name=value] FILE...")
		os.Exit(64)
	}
	plugins.RegisterDefaultPlugins()
	builtins := builtinVariables(*step, *scrape, *rng)
	var results []result
	var problems []string
	for _, file := range flag.Args() {
		res, errs := check(file, builtins, vars)
		results = append(results, res)
		for _, e := range errs {
			problems = append(problems, file+": "+e)
		}
	}
	out, _ := json.MarshalIndent(results, "", "  ")
	fmt.Println(string(out))
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

func check(file string, builtins, vars map[string]string) (result, []string) {
	res := result{File: file}
	raw, err := os.ReadFile(file)
	if err != nil {
		return res, []string{err.Error()}
	}
	var errs []string
	var d dashboard.Dashboard
	// Both return cog.BuildErrors, a slice: an empty one is success, though not a nil error.
	if err := d.UnmarshalJSONStrict(raw); failed(err) {
		errs = append(errs, "schema: "+err.Error())
	}
	if err := d.Validate(); failed(err) {
		errs = append(errs, "validate: "+err.Error())
	}
	if d.Uid != nil {
		res.UID = *d.Uid
	}
	if d.Title != nil {
		res.Title = *d.Title
	}
	values, verrs := templateValues(d)
	errs = append(errs, verrs...)
	for k, v := range vars {
		values[k] = v
	}
	for k, v := range builtins {
		values[k] = v
	}
	promql := parser.NewParser(parser.Options{})
	for _, p := range allPanels(raw) {
		out := panel{Title: p.Title, Type: p.Type, Datasource: map[string]string{}, GridPos: p.GridPos}
		for k, v := range p.Datasource {
			out.Datasource[k] = expand(v, values)
		}
		for _, step := range p.FieldConfig.Defaults.Thresholds.Steps {
			if step.Value != nil {
				out.Thresholds = append(out.Thresholds, *step.Value)
			}
		}
		for _, t := range p.Targets {
			where := fmt.Sprintf("panel %q target %s", p.Title, t.RefID)
			if t.Expr == "" {
				errs = append(errs, where+": no expr")
				continue
			}
			expanded := expand(t.Expr, values)
			if strings.Contains(expanded, "$") {
				errs = append(errs, where+": a variable is left after expansion: "+expanded)
			}
			if _, err := promql.ParseExpr(expanded); err != nil {
				errs = append(errs, where+": PromQL: "+err.Error())
			}
			out.Targets = append(out.Targets, target{RefID: t.RefID, Expr: expanded, Exemplar: t.Exemplar, Legend: t.LegendFormat})
		}
		res.Panels = append(res.Panels, out)
	}
	return res, errs
}

func failed(err error) bool {
	var list cog.BuildErrors
	if errors.As(err, &list) {
		return len(list) > 0
	}
	return err != nil
}

// rawPanel is what the checker reads from each panel once the strict decode has passed
// judgement: the SDK's strict decoders report every problem but, on success, drop the panels and
// targets they decoded (they take their own empty BuildErrors for a failure), so the values are
// read with a plain decode.
type rawPanel struct {
	Type       string            `json:"type"`
	Title      string            `json:"title"`
	Datasource map[string]string `json:"datasource"`
	GridPos    gridPos           `json:"gridPos"`
	Panels     []rawPanel        `json:"panels"`
	Targets    []struct {
		RefID        string `json:"refId"`
		Expr         string `json:"expr"`
		Exemplar     bool   `json:"exemplar"`
		LegendFormat string `json:"legendFormat"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Thresholds struct {
				Steps []struct {
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

// allPanels flattens rows (a row carries its panels inside when collapsed).
func allPanels(raw []byte) []rawPanel {
	var doc struct {
		Panels []rawPanel `json:"panels"`
	}
	_ = json.Unmarshal(raw, &doc)
	var out []rawPanel
	for _, p := range doc.Panels {
		if p.Type == "row" {
			out = append(out, p.Panels...)
		} else {
			out = append(out, p)
		}
	}
	return out
}
