// Package engine decides what a request gets: it compiles a rules.Set into a
// Table and resolves (host, path, query) to a status and a Location.
//
// Every other part of signpost (explain, test, the HTTP server, the Go
// reference of the edge, the generated JavaScript, verify) uses these rules;
// they are repeated for editors in the README.
//
// # Normalization
//
// Keys and request paths are brought to one canonical form before they are
// compared:
//
//   - Percent-encoding is decoded (/%6Aobs is /jobs, /%C3%BCber is /über),
//     except where decoding would change the path's structure or produce
//     something unsafe: %2F (an encoded "/"), %25 (an encoded "%"), control
//     characters and bytes that are not valid UTF-8 stay encoded, with
//     upper-case hex digits. A "%" not followed by two hex digits stands for
//     itself (it is %25). So /a%2Fb never matches the key /a/b.
//   - One trailing slash is ignored, except on "/" itself: /a and /a/ are the
//     same source, and two keys that differ only so are a collision.
//   - Matching is case-sensitive unless Options.CaseInsensitive is set; then
//     both sides are compared in Unicode lower case.
//   - The host of a host-qualified key or of a request is compared in lower
//     case without its port; the scheme of a key is not compared.
//
// # Sources
//
//   - An exact key (/jobs) matches that path.
//   - A key ending in "*" is a prefix rule: /blog/* matches every path that
//     starts with /blog/, and /blog itself; /waf/2019-* matches /waf/2019-01.
//     :splat is the rest of the requested path after the prefix, decoded, its
//     trailing slash included ("" for /blog and /blog/).
//   - A segment that is exactly ":name" (a letter or "_", then letters,
//     digits or "_") captures one non-empty path segment, decoded. To write a
//     literal segment that starts with ":", percent-encode the colon (%3A).
//   - A key that is a full URL (https://old.example.com/pricing) applies only
//     to requests for that host.
//
// # Precedence
//
// For a request to host H, the first of these that matches wins:
//
//  1. an exact rule for H; 2. a pattern rule for H;
//  3. an exact rule without a host; 4. a pattern rule without a host.
//
// Among pattern rules the one with the longest literal prefix (the text before
// the first placeholder or "*") wins; ties go to the rule earlier in the file.
//
// # Targets
//
// A placeholder in "to" is a ":name" at the start of the target or after "/",
// "?", "&", "=" or "#" (not in an absolute URL's host); any other ":" is
// literal (https:, :8080, a:b). Placeholders are replaced by the captured
// values, percent-encoded so that the Location never holds a raw space, "+",
// "\", "#", "?", control character or non-ASCII byte ("/" inside a :splat is
// kept). Unless the rule says "query": "drop", the request's query string is
// appended to the target, after "&" when the target has a query already, and
// before any "#fragment".
//
// # Chains
//
// When a target is a path on the same site (a path, or an absolute URL for a
// host that has host-qualified rules) that another rule matches, the engine
// resolves again, up to Options.MaxHops rules in all, and answers in one hop
// with the final target and the first rule's status: the answer is where a
// browser following every redirect would end, so each hop's query string is
// the one the previous target carried (a rule that keeps the query keeps
// it, one that drops it drops it) and a fragment given along the way is kept
// unless a later target has its own. A chain that ends at a rule answering
// 410 answers 410 at once.
// Compile reports loops and chains that do not end within MaxHops as errors
// and other chains as warnings; a pattern rule whose chain does not end for
// some request (which Compile cannot always see) answers with its own target
// alone rather than following it further.
//
// # Safety
//
// No request can make a Location that is protocol-relative ("//host" or
// "/\host"): a run of leading slashes in a path target collapses to one. No
// Location holds CR, LF or another control character.
//
// # Cost
//
// Looking up an exact rule costs the same at a thousand or a million rules and
// allocates nothing when the Location needs no query string appended; pattern
// rules are kept in a trie of their literal prefixes.
package engine
