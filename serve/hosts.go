package serve

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// A page that a user visits can point its own domain at 127.0.0.1 once it
// has loaded (DNS rebinding) and then read this server as if it were its
// own origin: the browser's same-origin rule looks at names, not
// addresses. What gives it away is the Host header, which still names the
// attacker's domain, so the server answers only Host headers that name
// it: the address the request came in on, loopback at that address's
// port, or a name the user allowed.

// AllowedHost is a name that a request's Host header may give besides the
// address the request came in on and loopback at its port.
type AllowedHost struct {
	Name string // lower case, without a final dot; an IPv6 address without brackets
	Port string // "" for any port
}

// ParseAllowedHosts parses a comma-separated list of names, each "name"
// (any port of it) or "name:port" (that port alone), an IPv6 address in
// brackets: "runs.lab.example,10.0.0.7:8080,[fd00::7]".
func ParseAllowedHosts(list string) ([]AllowedHost, error) {
	var out []AllowedHost
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		name, port, ok := splitHost(item)
		if !ok || !validName(name) {
			return nil, fmt.Errorf("%q is not a host name or address, with or without :PORT", item)
		}
		out = append(out, AllowedHost{Name: name, Port: port})
	}
	return out, nil
}

// validName says whether name can be a host: an IP address, or letters,
// digits, '-', '_' and '.' (so that nothing like a path or a user slips
// into the list).
func validName(name string) bool {
	if net.ParseIP(name) != nil {
		return true
	}
	if name == "" {
		return false
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// splitHost splits a Host header, or an allowed host, into its name
// (lower case, without a final dot or IPv6 brackets) and port ("" when it
// has none, and canonical: "08080" is "8080").
func splitHost(host string) (name, port string, ok bool) {
	name = host
	if strings.HasPrefix(host, "[") || strings.Count(host, ":") == 1 {
		if h, p, err := net.SplitHostPort(host); err == nil {
			name, port = h, p
		} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
			name = host[1 : len(host)-1]
		} else {
			return "", "", false
		}
	}
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "" || strings.ContainsAny(name, "[]") {
		return "", "", false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", "", false
		}
		port = strconv.Itoa(n)
	}
	return name, port, true
}

// allowHost says whether a request with the Host header host that came in
// on the local address local (nil when unknown) is for this server.
func (s *Server) allowHost(host string, local net.Addr) bool {
	name, port, ok := splitHost(host)
	if !ok {
		return false
	}
	if port == "" {
		port = "80" // what a browser leaves out
	}
	for _, a := range s.AllowHosts {
		if a.Name == name && (a.Port == "" || a.Port == port) {
			return true
		}
	}
	tcp, ok := local.(*net.TCPAddr)
	if !ok || port != strconv.Itoa(tcp.Port) {
		return false
	}
	switch name {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.Equal(tcp.IP)
}

// knownHosts refuses, with 403, a request whose Host header is not for
// this server (see allowHost). The address it came in on is the one
// http.Server records in the request's context: the port resolved when
// the server listens on :0, the interface's address when it listens on
// all of them.
func (s *Server) knownHosts(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		if !s.allowHost(r.Host, local) {
			msg := fmt.Sprintf("refusing Host %q: it names neither the address this server listens on nor localhost at its port; if it is this server's name, add it with boltzmann serve -allow-host NAME", r.Host)
			if r.Host == "" {
				msg = "refusing a request without a Host header: boltzmann serve answers only its own address, localhost, or a name given by -allow-host"
			}
			http.Error(w, msg, http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
