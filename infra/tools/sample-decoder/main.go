// A strict client of the original sample shape: the Go types the seed's agent decoded into
// (github.com/rootsongjc/k8s-app-monitor-test service/types.go, as vendored by the seed's agent),
// decoded the way that agent did, json.NewDecoder(body).Decode(&m). encoding/json ignores fields
// the struct does not have (our maxLatency) and rejects wrong types: a float or a string where
// the struct has int64, a string for failRatio, an array or a string for an object.
//
// Input: one JSON document per line. Output: one line per document, {"ok":true,"metric":…} or
// {"ok":false,"error":"…"}.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
)

type PerformanceIndex struct {
	FailRatio     float64 `json:"failRatio"`
	FailAmount    int64   `json:"failAmount"`
	AccessAmount  int64   `json:"accessAmount"`
	MaxConcurrent int64   `json:"maxConcurrent"`
	MinLatency    int64   `json:"minLatency"`
	AvgLatency    int64   `json:"avgLatency"`
}

type Metric struct {
	PerformanceIndex `json:"performance_index"`
	Host             string `json:"host"`
	AppName          string `json:"app_name"`
	Domain           string `json:"domain"`
}

type result struct {
	OK     bool    `json:"ok"`
	Error  string  `json:"error,omitempty"`
	Metric *Metric `json:"metric,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var m Metric
		if err := json.NewDecoder(strings.NewReader(in.Text())).Decode(&m); err != nil {
			_ = out.Encode(result{Error: err.Error()})
		} else {
			_ = out.Encode(result{OK: true, Metric: &m})
		}
	}
}
