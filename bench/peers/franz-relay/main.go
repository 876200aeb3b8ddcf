// A minimal relay written on franz-go for the benchmark (bench/run.ts starts it;
// docs/benchmark.md): the relay's Live route without local durability. POST
// /webhooks/tencent/live, SdkAppid checked against the allowlist, the member-state callback
// checked and normalized to the event contract of libs/member-events (value JSON in the relay's
// key order, CloudEvents headers, key = room id), exact duplicates acknowledged without a second
// record (in memory, for the relay's default window of an hour), and Tencent's OK body only
// after the broker acknowledged the record (idempotent producer, acks=all, no compression so
// that kafkajs readers can decode the records). A crash loses what is in flight.
//
// Environment: PORT, KAFKA_BROKERS (comma-separated), MEMBER_STATE_TOPIC, TENCENT_SDK_APP_IDS
// (comma-separated).
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"
)

const (
	livePath       = "/webhooks/tencent/live"
	memberCommand  = "Live.CallbackAfterMemberStateChanged"
	okBody         = `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`
	bodyLimit      = 1 << 20
	dedupeWindow   = time.Hour
	maxEpochMillis = 1<<53 - 1
)

// failure is a refused callback: the relay's HTTP status, ErrorCode and ErrorInfo.
type failure struct {
	status int
	code   int
	info   string
}

func (f failure) Error() string { return f.info }

// body is tencentFailureBody (libs/tencent-callbacks): the relay's key order.
func (f failure) body() []byte {
	info, _ := json.Marshal(f.info)
	return []byte(fmt.Sprintf(`{"ActionStatus":"FAIL","ErrorInfo":%s,"ErrorCode":%d}`, info, f.code))
}

// client and memberEvent follow libs/member-events/src/member-event.ts, field for field and in order.
type client struct {
	IP       string `json:"ip,omitempty"`
	Platform string `json:"platform,omitempty"`
}

type memberEvent struct {
	EventID    string   `json:"eventId"`
	Kind       string   `json:"kind"`
	Source     string   `json:"source"`
	SdkAppID   string   `json:"sdkAppId"`
	RoomID     string   `json:"roomId"`
	State      string   `json:"state"`
	Cause      string   `json:"cause"`
	Members    []string `json:"members"`
	EventTime  int64    `json:"eventTime"`
	ReceivedAt string   `json:"receivedAt"`
	Client     *client  `json:"client,omitempty"`
}

type callbackBody struct {
	RoomID     any `json:"RoomId"`
	EventType  any `json:"EventType"`
	EventCause any `json:"EventCause"`
	EventTime  any `json:"EventTime"`
	MemberList any `json:"MemberList"`
}

// query reads Tencent's callback query like readCallbackQuery: parameter names in any letter case.
type query struct {
	sdkAppID, command, clientIP, platform string
}

func readQuery(r *http.Request) query {
	var q query
	for key, values := range r.URL.Query() {
		value := values[0]
		switch strings.ToLower(key) {
		case "sdkappid":
			q.sdkAppID = strings.TrimSpace(value)
		case "callbackcommand", "webhookcommand":
			q.command = strings.TrimSpace(value)
		case "clientip":
			q.clientIP = value
		case "optplatform":
			q.platform = value
		}
	}
	return q
}

var (
	lowerThenUpper = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	upperRunWord   = regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`)
	nonAlnum       = regexp.MustCompile(`[^A-Za-z0-9]+`)
	edgeUnderscore = regexp.MustCompile(`^_+|_+$`)
)

// snakeCase is toSnakeCase (libs/member-events/src/cause.ts), with the same regular expressions.
func snakeCase(value string) string {
	s := lowerThenUpper.ReplaceAllString(strings.TrimSpace(value), "${1}_${2}")
	s = upperRunWord.ReplaceAllString(s, "${1}_${2}")
	s = nonAlnum.ReplaceAllString(s, "_")
	return strings.ToLower(edgeUnderscore.ReplaceAllString(s, ""))
}

// eventID is deterministicEventId (libs/member-events/src/event-id.ts): SHA-256 over the parts,
// each prefixed with its length in UTF-16 code units, as JavaScript counts them.
func eventID(parts ...string) string {
	var text strings.Builder
	for _, part := range parts {
		text.WriteString(strconv.Itoa(len(utf16.Encode([]rune(part)))))
		text.WriteByte(':')
		text.WriteString(part)
	}
	sum := sha256.Sum256([]byte(text.String()))
	return hex.EncodeToString(sum[:16])
}

func identifier(value any) (string, bool) {
	s, ok := value.(string)
	return s, ok && strings.TrimSpace(s) != "" && utf8.ValidString(s)
}

// account is a member's account: a string, or a bare JSON number kept as the digits sent.
func account(value any) (string, bool) {
	if n, ok := value.(json.Number); ok {
		return n.String(), true
	}
	return identifier(value)
}

func epochMillis(value any) (int64, bool) {
	var text string
	switch v := value.(type) {
	case json.Number:
		text = v.String()
	case string:
		text = strings.TrimSpace(v)
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 64)
	return n, err == nil && n >= 0 && n <= maxEpochMillis
}

// normalize is the relay's member-state handler: the same checks, the contract's event.
func normalize(raw []byte, q query, receivedAt time.Time) (memberEvent, error) {
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var b callbackBody
	if err := decoder.Decode(&b); err != nil || !utf8.Valid(raw) {
		return memberEvent{}, failure{http.StatusBadRequest, 40001, "request body is not a JSON object"}
	}
	invalid := failure{http.StatusUnprocessableEntity, 42201, "body does not match " + memberCommand}
	roomID, ok := identifier(b.RoomID)
	if !ok || (b.EventType != "Online" && b.EventType != "Offline") {
		return memberEvent{}, invalid
	}
	cause, ok := b.EventCause.(string)
	if !ok || cause == "" {
		return memberEvent{}, invalid
	}
	eventTime, ok := epochMillis(b.EventTime)
	list, _ := b.MemberList.([]any)
	if !ok || len(list) == 0 {
		return memberEvent{}, invalid
	}
	members := make([]string, 0, len(list))
	for _, item := range list {
		member, _ := item.(map[string]any)
		name, ok := account(member["Member_Account"])
		if !ok {
			return memberEvent{}, invalid
		}
		members = append(members, name)
	}
	state := "offline"
	if b.EventType == "Online" {
		state = "online"
	}
	if cause = snakeCase(cause); cause == "" {
		cause = "unknown"
	}
	parts := append([]string{"live", q.sdkAppID, "member_state", roomID, state, cause, strconv.FormatInt(eventTime, 10)}, members...)
	event := memberEvent{
		EventID:    eventID(parts...),
		Kind:       "member_state",
		Source:     "live",
		SdkAppID:   q.sdkAppID,
		RoomID:     roomID,
		State:      state,
		Cause:      cause,
		Members:    members,
		EventTime:  eventTime,
		ReceivedAt: isoMillis(receivedAt),
	}
	if q.clientIP != "" || q.platform != "" {
		event.Client = &client{IP: q.clientIP, Platform: q.platform}
	}
	return event, nil
}

func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// record is encodeMemberEvent (libs/member-events/src/encode.ts): key, JSON value, CloudEvents headers.
func record(topic string, event memberEvent) (*kgo.Record, error) {
	var value bytes.Buffer
	encoder := json.NewEncoder(&value)
	encoder.SetEscapeHTML(false) // as JSON.stringify
	if err := encoder.Encode(event); err != nil {
		return nil, err
	}
	header := func(key, value string) kgo.RecordHeader { return kgo.RecordHeader{Key: key, Value: []byte(value)} }
	return &kgo.Record{
		Topic: topic,
		Key:   []byte(event.RoomID),
		Value: bytes.TrimRight(value.Bytes(), "\n"),
		Headers: []kgo.RecordHeader{
			header("ce_specversion", "1.0"),
			header("ce_id", event.EventID),
			header("ce_source", "/tencent/live/"+event.SdkAppID),
			header("ce_type", "com.tencent.live.member."+event.State),
			header("ce_time", isoMillis(time.UnixMilli(event.EventTime))),
			header("ce_subject", event.RoomID),
			header("content-type", "application/json"),
		},
	}, nil
}

// seen remembers event ids for the deduplication window, in memory.
type seen struct {
	mu     sync.Mutex
	until  map[string]time.Time
	order  []string
	window time.Duration
}

// add records id and reports whether it was new.
func (s *seen) add(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.order) > 0 && now.After(s.until[s.order[0]]) {
		delete(s.until, s.order[0])
		s.order = s.order[1:]
	}
	if _, ok := s.until[id]; ok {
		return false
	}
	s.until[id] = now.Add(s.window)
	s.order = append(s.order, id)
	return true
}

// forget drops id, so that a retry of an event that was not delivered is published.
func (s *seen) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.until, id)
}

type relay struct {
	kafka  *kgo.Client
	topic  string
	apps   map[string]bool
	seen   *seen
	logger *log.Logger
}

func answer(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (rl *relay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	receivedAt := time.Now()
	if err := rl.accept(r, receivedAt); err != nil {
		var refused failure
		if !errors.As(err, &refused) {
			rl.logger.Printf("not delivered: %v", err)
			refused = failure{http.StatusInternalServerError, 50001, "internal error; the callback was not accepted"}
		}
		answer(w, refused.status, refused.body())
		return
	}
	answer(w, http.StatusOK, []byte(okBody))
}

func (rl *relay) accept(r *http.Request, receivedAt time.Time) error {
	q := readQuery(r)
	if q.sdkAppID == "" {
		return failure{http.StatusBadRequest, 40002, "query parameter SdkAppid is required"}
	}
	if !rl.apps[q.sdkAppID] {
		return failure{http.StatusForbidden, 40301, fmt.Sprintf("SdkAppid %s is not one of this relay's applications", q.sdkAppID)}
	}
	if q.command != "" && q.command != memberCommand {
		return nil // Tencent sends every enabled command to this one URL: the others are acknowledged unread.
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, bodyLimit))
	if err != nil {
		return failure{http.StatusRequestEntityTooLarge, 49413, "request body too large"}
	}
	event, err := normalize(raw, q, receivedAt)
	if err != nil {
		return err
	}
	if !rl.seen.add(event.EventID, receivedAt) {
		return nil
	}
	rec, err := record(rl.topic, event)
	if err == nil {
		// Not the request's context: once buffered, an idempotent record is sent whether or not the
		// caller still waits, so the answer waits for the broker too.
		err = rl.kafka.ProduceSync(context.Background(), rec).FirstErr()
	}
	if err != nil {
		rl.seen.forget(event.EventID)
	}
	return err
}

func env(name string) string {
	value := os.Getenv(name)
	if value == "" {
		log.Fatalf("%s is required", name)
	}
	return value
}

func main() {
	logger := log.New(os.Stderr, "franz-relay: ", log.LstdFlags)
	kafka, err := kgo.NewClient(
		kgo.SeedBrokers(strings.Split(env("KAFKA_BROKERS"), ",")...),
		kgo.ClientID("franz-relay-bench"),
		kgo.RequiredAcks(kgo.AllISRAcks()), // the default with idempotency, said out loud
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		// Answers wait for the broker: no linger, as Bento's franz-go (v1.18) does by default.
		kgo.ProducerLinger(0),
	)
	if err != nil {
		logger.Fatalf("kafka client: %v", err)
	}
	apps := map[string]bool{}
	for _, app := range strings.Split(env("TENCENT_SDK_APP_IDS"), ",") {
		apps[strings.TrimSpace(app)] = true
	}
	rl := &relay{kafka: kafka, topic: env("MEMBER_STATE_TOPIC"), apps: apps, seen: &seen{until: map[string]time.Time{}, window: dedupeWindow}, logger: logger}
	mux := http.NewServeMux()
	mux.Handle("POST "+livePath, rl)
	server := &http.Server{Addr: "127.0.0.1:" + env("PORT"), Handler: mux, IdleTimeout: 65 * time.Second, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Fatalf("http: %v", err)
	}
	kafka.Close()
}
