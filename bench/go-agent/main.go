// A stand-in for the seed's Go agent, for the bench only: the same library (go-chart) drawing
// the same bar chart (six bars, 512 px high, bars 60 px wide, title "app,domain,host") of the
// same upstream JSON, so the PNG target is a ratio paired in one run rather than a constant.
// Unlike the seed it answers 502 when the upstream fails or answers other than 200, instead of
// exiting, and 500 when go-chart cannot draw the values, rather than a 200 with half a PNG.
package main

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"os"

	chart "github.com/wcharczuk/go-chart/v2"
)

type metric struct {
	Index struct {
		FailRatio     float64 `json:"failRatio"`
		FailAmount    float64 `json:"failAmount"`
		AccessAmount  float64 `json:"accessAmount"`
		MaxConcurrent float64 `json:"maxConcurrent"`
		MinLatency    float64 `json:"minLatency"`
		AvgLatency    float64 `json:"avgLatency"`
	} `json:"performance_index"`
	Host    string `json:"host"`
	AppName string `json:"app_name"`
	Domain  string `json:"domain"`
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	upstream := "http://" + env("SERVICE_NAME", "localhost") + ":" + env("APP_PORT", "3000") + "/metrics"
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		resp, err := http.Get(upstream)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			http.Error(w, "upstream answered "+resp.Status, http.StatusBadGateway)
			return
		}
		var m metric
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		p := m.Index
		bars := chart.BarChart{
			Title:    m.AppName + "," + m.Domain + "," + m.Host,
			Height:   512,
			BarWidth: 60,
			XAxis:    chart.Shown(),
			YAxis:    chart.YAxis{Style: chart.Shown()},
			Bars: []chart.Value{
				{Value: p.FailRatio, Label: "FailRatio"},
				{Value: p.FailAmount, Label: "FailAmount"},
				{Value: p.AccessAmount, Label: "AccessAmount"},
				{Value: p.MaxConcurrent, Label: "MaxConcurrent"},
				{Value: p.MinLatency, Label: "MinLatency"},
				{Value: p.AvgLatency, Label: "AvgLatency"},
			},
		}
		var png bytes.Buffer
		if err := bars.Render(chart.PNG, &png); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png.Bytes()) // a client gone mid-response (wrk stopping) is not an error here
	})
	log.Fatal(http.ListenAndServe(":"+env("PORT", "8080"), nil))
}
