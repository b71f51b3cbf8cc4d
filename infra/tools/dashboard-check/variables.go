package main

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// builtinVariables are Grafana's interval and range variables for a range query with the given
// step, scrape interval and time range. $__rate_interval is max($__interval + scrape interval,
// 4 × scrape interval), as Grafana documents it:
// https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/
func builtinVariables(step, scrape, rng time.Duration) map[string]string {
	rate := step + scrape
	if 4*scrape > rate {
		rate = 4 * scrape
	}
	return map[string]string{
		"__interval":      promDuration(step),
		"__interval_ms":   fmt.Sprint(step.Milliseconds()),
		"__rate_interval": promDuration(rate),
		"__range":         promDuration(rng),
		"__range_s":       fmt.Sprint(int64(rng.Seconds())),
		"__range_ms":      fmt.Sprint(rng.Milliseconds()),
	}
}

func promDuration(d time.Duration) string {
	if d%time.Second != 0 {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%ds", int64(math.Round(d.Seconds())))
}

// templateValues are the dashboard's template variables at their saved defaults: `current`'s
// value, with "All" ($__all) replaced by the variable's allValue. A multi-value default becomes
// a regex alternation, escaped as Grafana's Prometheus datasource writes it.
func templateValues(d dashboard.Dashboard) (map[string]string, []string) {
	values := map[string]string{}
	var errs []string
	if d.Templating.List == nil {
		return values, errs
	}
	for _, v := range d.Templating.List {
		var current []string
		if v.Current != nil {
			if v.Current.Value.String != nil {
				current = []string{*v.Current.Value.String}
			} else {
				current = v.Current.Value.ArrayOfString
			}
		}
		if len(current) == 0 {
			errs = append(errs, fmt.Sprintf("variable %s has no default (current.value)", v.Name))
			continue
		}
		if len(current) == 1 && current[0] == "$__all" {
			if v.AllValue == nil {
				errs = append(errs, fmt.Sprintf("variable %s defaults to All without an allValue: its value would depend on the options a live datasource lists", v.Name))
				continue
			}
			values[v.Name] = *v.AllValue
			continue
		}
		if len(current) == 1 {
			values[v.Name] = current[0]
			continue
		}
		escaped := make([]string, len(current))
		for i, c := range current {
			escaped[i] = regexp.QuoteMeta(c)
		}
		values[v.Name] = "(" + strings.Join(escaped, "|") + ")"
	}
	return values, errs
}

var reference = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)`)

// expand replaces $name, ${name}, ${name:format} and [[name]] with the variable's value, and
// leaves unknown names as they are (so the caller sees them).
func expand(text string, values map[string]string) string {
	return reference.ReplaceAllStringFunc(text, func(m string) string {
		parts := reference.FindStringSubmatch(m)
		name := parts[1] + parts[2] + parts[3]
		if v, ok := values[name]; ok {
			return v
		}
		return m
	})
}
