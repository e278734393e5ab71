// Netlify's own redirect engine as a reference for the importer's tests.
// Reads {"rules": "<_redirects text>", "host": "...", "urls": ["/path", ...]}
// on standard input and prints, for each URL, what a browser ends up with on
// Netlify: the first rule's status and the final destination after following
// every redirect to a path on the same site (at most 10), as JSON lines.
const redirector = require(__dirname + "/node_modules/netlify-redirector");

let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", async () => {
  const req = JSON.parse(input);
  const m = await redirector.parsePlain(req.rules, {});
  const match = (path) =>
    m.match({ scheme: "https", host: req.host, path, query: "", getHeader: () => "", getCookie: () => "" });
  const out = [];
  for (const url of req.urls) {
    const first = match(url);
    if (!first || !first.to) {
      out.push(JSON.stringify({ url, match: false }));
      continue;
    }
    let cur = first;
    let hops = 1;
    while (hops < 10 && cur.to.startsWith("/") && !cur.to.startsWith("//") && cur.status >= 300) {
      const path = cur.to.split("#")[0].split("?")[0];
      const next = match(path);
      if (!next || !next.to || next.status < 300) break;
      let to = next.to;
      const frag = cur.to.indexOf("#");
      if (frag >= 0 && to.indexOf("#") < 0) to += cur.to.slice(frag);
      cur = { ...next, to };
      hops++;
    }
    out.push(JSON.stringify({ url, match: true, status: first.status, location: cur.to, from: first.from, hops }));
  }
  process.stdout.write(out.join("\n") + "\n");
});
