// The signpost runtime: Resolve of package engine, repeated on the compiled
// table (format "signpost-table", version 1). It works on byte strings (one
// character per byte of UTF-8) so that lengths and offsets are those the
// engine computed. Nothing from the rules is evaluated: the table is data.
var HEX = '0123456789ABCDEF';
var hasOwn = Object.prototype.hasOwnProperty;
var STATUS_TEXT = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 410: 'Gone' };

function esc(b) { return '%' + HEX[b >> 4] + HEX[b & 15]; }

// toBytes encodes a string as UTF-8, one character per byte.
function toBytes(s) {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  var out = '';
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x80) { out += s[i]; continue; }
    if (c < 0x800) { out += String.fromCharCode(0xc0 | c >> 6, 0x80 | c & 63); continue; }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out += String.fromCharCode(0xf0 | c >> 18, 0x80 | c >> 12 & 63, 0x80 | c >> 6 & 63, 0x80 | c & 63);
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    out += String.fromCharCode(0xe0 | c >> 12, 0x80 | c >> 6 & 63, 0x80 | c & 63);
  }
  return out;
}

// runeSize returns the length of the valid UTF-8 sequence that starts b
// (the bytes given), or 0, by the rules of Go's utf8.DecodeRune.
function runeSize(b) {
  var c = b[0], n = b.length, lo = 0x80, hi = 0xbf, size;
  if (c < 0xc2 || c > 0xf4) return 0;
  if (c < 0xe0) size = 2;
  else if (c < 0xf0) { size = 3; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; }
  else { size = 4; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; }
  if (n < size || b[1] < lo || b[1] > hi) return 0;
  for (var k = 2; k < size; k++) if (b[k] < 0x80 || b[k] > 0xbf) return 0;
  return size;
}

// runeAt decodes the valid UTF-8 sequence of s at i: [code point, size].
function runeAt(s, i) {
  var c = s.charCodeAt(i);
  if (c < 0xe0) return [(c & 31) << 6 | s.charCodeAt(i + 1) & 63, 2];
  if (c < 0xf0) return [(c & 15) << 12 | (s.charCodeAt(i + 1) & 63) << 6 | s.charCodeAt(i + 2) & 63, 3];
  return [(c & 7) << 18 | (s.charCodeAt(i + 1) & 63) << 12 | (s.charCodeAt(i + 2) & 63) << 6 | s.charCodeAt(i + 3) & 63, 4];
}

function fromCodePoint(c) {
  if (c < 0x10000) return String.fromCharCode(c);
  c -= 0x10000;
  return String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
}

// fromBytes decodes a byte string of valid UTF-8 to a string.
function fromBytes(b) {
  if (!/[\x80-\xff]/.test(b)) return b;
  var out = '';
  for (var i = 0; i < b.length;) {
    if (b.charCodeAt(i) < 0x80) { out += b[i++]; continue; }
    var r = runeAt(b, i);
    out += fromCodePoint(r[0]);
    i += r[1];
  }
  return out;
}

function hexv(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

// decodedAt: the byte at i of s, decoding a %XX escape: [byte, next, escaped].
function decodedAt(s, i) {
  var c = s.charCodeAt(i);
  if (c === 37 && i + 2 < s.length) {
    var h = hexv(s.charCodeAt(i + 1)), l = hexv(s.charCodeAt(i + 2));
    if (h >= 0 && l >= 0) return [h << 4 | l, i + 3, true];
  }
  return [c, i + 1, false];
}

// canon returns the canonical form of a path (a byte string): escapes
// decoded except those of "/", "%", control characters and bytes outside
// valid UTF-8, which are (or become) upper-case escapes.
function canon(s) {
  if (!/[%\x00-\x1f\x7f-\xff]/.test(s)) return s;
  var out = '';
  for (var i = 0; i < s.length;) {
    var d = decodedAt(s, i), b = d[0];
    if (b < 0x80) {
      out += b < 0x20 || b === 0x7f || b === 37 || (d[2] && b === 47) ? esc(b) : String.fromCharCode(b);
      i = d[1];
      continue;
    }
    var buf = [b], j = d[1];
    while (buf.length < 4 && j < s.length) {
      var e = decodedAt(s, j);
      if (e[0] < 0x80 || (e[0] & 0xc0) !== 0x80) break;
      buf.push(e[0]);
      j = e[1];
    }
    var size = runeSize(buf);
    i = d[1];
    if (size === 0) { out += esc(b); continue; }
    for (var k = 0; k < size; k++) out += String.fromCharCode(buf[k]);
    for (k = 1; k < size; k++) i = decodedAt(s, i)[1];
  }
  return out;
}

// BEGIN fold (only when matching is case-insensitive)
// fold lowers a canonical path rune by rune, keeping a rune whose lower case
// has another UTF-8 length, so that offsets do not move.
function fold(d) {
  if (!/[A-Z\x80-\xff]/.test(d)) return d;
  if (!/[\x80-\xff]/.test(d)) return d.toLowerCase();
  var out = '';
  for (var i = 0; i < d.length;) {
    var c = d.charCodeAt(i);
    if (c < 0x80) { out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : d[i]; i++; continue; }
    var r = runeAt(d, i), s = fromCodePoint(r[0]), l = s.toLowerCase(), lb = toBytes(l);
    var one = l.length === 1 || (l.length === 2 && (l.charCodeAt(0) & 0xfc00) === 0xd800);
    out += one && l !== s && lb.length === r[1] ? lb : d.substr(i, r[1]);
    i += r[1];
  }
  return out;
}
// END fold

function keepSet(s) {
  var k = [];
  for (var i = 0; i < 256; i++) k.push(false);
  for (i = 0; i < s.length; i++) k[s.charCodeAt(i)] = true;
  return k;
}

function hostTable(x, name) {
  var t = { name: name, exact: x.exact || {}, override: x.override || null, pat: {}, lens: x.lens || [], packed: null };
  var p = x.patterns || {};
  for (var k in p) if (hasOwn.call(p, k)) t.pat[toBytes(k)] = p[k];
  if (x.packed) t.packed = unpack(x.packed);
  return t;
}

// BEGIN bundle (only a bundled Lambda@Edge table is packed)
// unpack reads the packed form of many exact rules (a bundled table): keys
// and locations as newline-separated strings, which neither can contain,
// and per entry a number holding status, keep (1024) and hops (from 2048).
// It parses about twice as fast as an object of entries.
function unpack(p) {
  var keys = p.keys.split('\n'), locs = p.locs.split('\n'), map = new Map();
  if (keys.length !== p.meta.length || locs.length !== p.meta.length) throw new Error('packed rules of unequal lengths');
  for (var i = 0; i < keys.length; i++) map.set(keys[i], i);
  return { map: map, locs: locs, meta: p.meta, rules: p.rules || null };
}
// END bundle

// loadTable checks a decoded compiled table and prepares it for lookups. It
// throws when the object is not a table this runtime understands, so that
// a broken download never replaces a good table.
function loadTable(x) {
  if (!x || x.format !== 'signpost-table' || x.version !== 1 || !x.hosts || !x.hosts[''] || !Array.isArray(x.rules))
    throw new Error('not a signpost-table version 1');
  var t = { ci: !!x.caseInsensitive, maxHops: x.maxHops || 10, pathKeep: keepSet(x.pathKeep), compKeep: keepSet(x.componentKeep),
    rules: x.rules, any: hostTable(x.hosts[''], ''), hosts: {}, nhosts: 0, kvs: !!x.kvs };
  for (var h in x.hosts) if (h !== '' && hasOwn.call(x.hosts, h)) { t.hosts[h] = hostTable(x.hosts[h], h); t.nhosts++; }
  for (var i = 0; i < t.rules.length; i++) {
    var r = t.rules[i];
    if (!r || !r.parts) continue;
    for (var j = 0; j < r.parts.length; j++) if (r.parts[j].lit !== undefined) r.parts[j].lit = toBytes(r.parts[j].lit);
    r.abs = !!r.target && r.target.length > 0 && /^https?:\/\//i.test(r.target[0].lit || '');
  }
  return t;
}

// hostOf returns the rules of a host that has its own, or null.
function hostOf(t, host) {
  if (t.nhosts === 0 || !host) return null;
  var i = host.length - 1;
  while (i >= 0 && host[i] !== ':' && host[i] !== ']') i--;
  if (i >= 0 && host[i] === ':') host = host.slice(0, i);
  if (host.length > 0 && host[host.length - 1] === '.') host = host.slice(0, -1);
  host = host.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
  return hasOwn.call(t.hosts, host) ? t.hosts[host] : null;
}

// matchRule is engine's source.match: literal parts compare with the folded
// path f, captures come from the canonical path d; n is d's length without a
// trailing slash. caps gets [start, end] per slot.
function matchRule(r, d, f, n, caps) {
  var i = 0, parts = r.parts;
  for (var k = 0; k < parts.length; k++) {
    var p = parts[k];
    if (p.lit !== undefined) {
      if (f.length - i >= p.lit.length && f.substr(i, p.lit.length) === p.lit) { i += p.lit.length; continue; }
      var nx = parts[k + 1];
      if (nx && nx.splat !== undefined && p.lit[p.lit.length - 1] === '/' && f.slice(i) === p.lit.slice(0, -1)) {
        caps[nx.splat] = [d.length, d.length];
        return true;
      }
      return false;
    }
    if (p.seg !== undefined) {
      var j = i;
      while (j < n && d[j] !== '/') j++;
      if (j === i) return false;
      caps[p.seg] = [i, j];
      i = j;
      continue;
    }
    caps[p.splat] = [i, d.length];
    return true;
  }
  return i === n || i === d.length;
}

// matchPattern: the longest literal prefix wins, then the earliest rule.
function matchPattern(t, ht, d, f, n, caps) {
  var best = -1, bestLit = -1, tmp = [];
  for (var a = 0; a < ht.lens.length; a++) {
    var l = ht.lens[a];
    if (l > f.length) continue;
    if (l + 1 < bestLit) break;
    var key = f.slice(0, l);
    if (!hasOwn.call(ht.pat, key)) continue;
    var list = ht.pat[key];
    for (var b = 0; b < list.length; b++) {
      var idx = list[b], r = t.rules[idx], ll = r.litLen || 0;
      if (ll < bestLit || (ll === bestLit && idx > best)) continue;
      if (matchRule(r, d, f, n, tmp)) {
        best = idx; bestLit = ll;
        for (var c = 0; c < tmp.length; c++) caps[c] = tmp[c];
      }
    }
  }
  return best;
}

/*async*/ function exactEntry(t, ht, kind, key) {
  if (t.kvs) return /*await*/ kvsEntry(ht, kind, key);
  // BEGIN bundle
  if (kind === 'exact' && ht.packed !== null) {
    var p = ht.packed, i = p.map.get(key);
    if (i === undefined) return null;
    var c = p.meta[i];
    return { status: c & 1023, loc: p.locs[i], keep: (c & 1024) !== 0, hops: c >> 11, rule: p.rules !== null ? p.rules[i] : undefined };
  }
  // END bundle
  var m = ht[kind];
  return m !== null && hasOwn.call(m, key) ? m[key] : null;
}

// match finds the rule for a canonical path: the host's exact rules, its
// patterns, its overrides, then the rules for every host. It returns
// {entry} for an exact rule, {rule} for a pattern, or null.
/*async*/ function match(t, ht, d, f, caps) {
  var n = d.length > 1 && d[d.length - 1] === '/' ? d.length - 1 : d.length;
  var key = fromBytes(f.slice(0, n)), e, i;
  if (ht !== null) {
    if ((e = /*await*/ exactEntry(t, ht, 'exact', key)) !== null) return { entry: e };
    if ((i = matchPattern(t, ht, d, f, n, caps)) >= 0) return { rule: i };
    if ((e = /*await*/ exactEntry(t, ht, 'override', key)) !== null) return { entry: e };
  }
  if ((e = /*await*/ exactEntry(t, t.any, 'exact', key)) !== null) return { entry: e };
  if ((i = matchPattern(t, t.any, d, f, n, caps)) >= 0) return { rule: i };
  return null;
}

// appendQuery escapes control characters, spaces, non-ASCII bytes and "#".
function appendQuery(q) {
  return q.replace(/[\x00-\x20\x7f-\xff#]/g, function (c) { return esc(c.charCodeAt(0)); });
}

// insertQuery puts the query q into loc: after "&" when loc has a query,
// before any fragment.
function insertQuery(loc, q) {
  var h = loc.indexOf('#'), before = h < 0 ? loc : loc.slice(0, h), frag = h < 0 ? '' : loc.slice(h);
  var last = before[before.length - 1];
  var sep = before.indexOf('?') < 0 ? '?' : last === '?' || last === '&' ? '' : '&';
  return before + sep + appendQuery(q) + frag;
}

// build makes the single-step target of pattern rule r.
function build(t, r, d, caps, q) {
  var out = '';
  for (var k = 0; k < r.target.length; k++) {
    var p = r.target[k];
    if (p.slot === undefined) { out += p.lit || ''; continue; }
    var keep = p.component ? t.compKeep : t.pathKeep, c = caps[p.slot], run = c[0];
    for (var i = c[0]; i < c[1]; i++) {
      var b = d.charCodeAt(i);
      if (keep[b]) continue;
      out += d.slice(run, i) + esc(b);
      run = i + 1;
    }
    out += d.slice(run, c[1]);
  }
  if (!r.abs) {
    var s = 0;
    while (s + 1 < out.length && out[s] === '/' && out[s + 1] === '/') s++;
    out = out.slice(s);
  }
  return r.drop || q === '' ? out : insertQuery(out, q);
}

function fragmentOf(loc) {
  var h = loc.indexOf('#');
  return h < 0 ? '' : loc.slice(h);
}

// sameSite splits a Location that stays on the site: a path, or an
// absolute URL for a host with rules of its own.
function sameSite(t, loc, ht) {
  var base = '', rest = loc;
  if (loc[0] !== '/') {
    var m = /^(https?:\/\/)([^\/?#]*)/i.exec(loc);
    if (m === null) return null;
    ht = hostOf(t, m[2]);
    if (ht === null) return null;
    base = m[0];
    rest = loc.slice(base.length);
    if (rest === '' || rest[0] !== '/') rest = '/' + rest;
  }
  var h = rest.indexOf('#');
  if (h >= 0) rest = rest.slice(0, h);
  var qi = rest.indexOf('?');
  return { ht: ht, base: base, path: qi < 0 ? rest : rest.slice(0, qi), query: qi < 0 ? '' : rest.slice(qi + 1) };
}

// step resolves loc one rule further: null when it leaves the site or no
// rule matches, {gone, hops} for a 410, else {loc, hops, ht, exact}.
/*async*/ function step(t, loc, ht, frag) {
  var s = sameSite(t, loc, ht);
  if (s === null) return null;
  var d = canon(toBytes(s.path)), f = t.ci ? fold(d) : d, caps = [];
  var m = /*await*/ match(t, s.ht, d, f, caps);
  if (m === null) return null;
  var b, hops = 1;
  if (m.entry) {
    hops = m.entry.hops || 1;
    if (m.entry.status === 410) return { gone: true, hops: hops };
    b = m.entry.keep && s.query !== '' ? insertQuery(m.entry.loc, s.query) : m.entry.loc;
  } else {
    var r = t.rules[m.rule];
    if (r.status === 410) return { gone: true, hops: 1 };
    b = build(t, r, d, caps, s.query);
  }
  if (frag !== '' && fragmentOf(b) === '') b += frag;
  if (s.base !== '' && b[0] === '/') b = s.base + b;
  return { loc: b, hops: hops, ht: s.ht, exact: !!m.entry };
}

// follow follows the chain from a pattern rule's first target, at most
// maxHops rules; a longer chain answers the first target. It returns null
// when the chain ends at a rule answering 410.
/*async*/ function follow(t, ht, loc) {
  var first = loc, hops = 1;
  for (;;) {
    var s = /*await*/ step(t, loc, ht, fragmentOf(loc));
    if (s === null) return loc;
    hops += s.hops;
    if (hops > t.maxHops) return first;
    if (s.gone) return null;
    loc = s.loc; ht = s.ht;
    if (s.exact) return loc;
  }
}

// safeLocation: no control character, space or non-ASCII byte (no header
// splitting), not protocol-relative, and http(s) when absolute.
function safeLocation(l) {
  if (!l || /[^\x21-\x7e]/.test(l)) return false;
  if (l[0] === '/') return l.length === 1 || (l[1] !== '/' && l[1] !== '\\');
  return /^https?:\/\/[^\/\\]/i.test(l);
}

// resolve decides what a request gets: null (go on to the site) or
// {status, location, rule} (location '' for 410; rule is the index in the
// file of the first rule, when the table carries it).
/*async*/ function resolve(t, host, uri, query) {
  var ht = hostOf(t, host), d = canon(toBytes(uri || '')), f = t.ci ? fold(d) : d, caps = [];
  query = toBytes(query || '');
  var m = /*await*/ match(t, ht, d, f, caps), loc;
  if (m === null) return null;
  if (m.entry) {
    if (m.entry.status === 410) return { status: 410, location: '', rule: m.entry.rule };
    loc = m.entry.keep && query !== '' ? insertQuery(m.entry.loc, query) : m.entry.loc;
    return safeLocation(loc) ? { status: m.entry.status, location: loc, rule: m.entry.rule } : null;
  }
  var r = t.rules[m.rule], ri = r.index !== undefined ? r.index : m.rule;
  if (r.status === 410) return { status: 410, location: '', rule: ri };
  loc = /*await*/ follow(t, ht, build(t, r, d, caps, query));
  if (loc === null) return { status: 410, location: '', rule: ri };
  return safeLocation(loc) ? { status: r.status, location: loc, rule: ri } : null;
}
