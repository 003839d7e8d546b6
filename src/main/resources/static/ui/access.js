// The fleet access page: reads /api/v1/access with a token held in memory only (never in storage or cookies) and
// draws the cluster x registry matrix. Every name is set as text, never as HTML.
"use strict";

const MAX_PAGES = 20;
let token = "";

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function say(message, isError) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
}

async function call(path) {
  const response = await fetch(path, {headers: {Authorization: "Bearer " + token, Accept: "application/json"}});
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = body && (body.detail || body.title);
    throw new Error(response.status + " " + (problem || response.statusText));
  }
  return body;
}

async function pairs(state) {
  const all = [];
  let pageToken = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({limit: "500"});
    if (state) {
      query.set("state", state);
    }
    if (pageToken) {
      query.set("pageToken", pageToken);
    }
    const answer = await call("/api/v1/access?" + query);
    all.push(...answer.items);
    pageToken = answer.nextPageToken;
    if (!pageToken) {
      return {pairs: all, complete: true};
    }
  }
  return {pairs: all, complete: false};
}

function bindingLabel(binding) {
  const verified = binding.lastVerification
    ? "verified " + binding.lastVerification.result + " " + binding.lastVerification.at
    : "never verified";
  const expiry = binding.credential && binding.credential.expiresAt
    ? ", password expires " + binding.credential.expiresAt : "";
  return binding.method + ": " + binding.phase + " (" + binding.state + "), " + verified + expiry;
}

function draw(found) {
  const clusters = new Map();
  const registries = new Map();
  const cells = new Map();
  for (const pair of found) {
    clusters.set(pair.cluster.id, pair.cluster);
    registries.set(pair.registry.id, pair.registry);
    cells.set(pair.cluster.id + "/" + pair.registry.id, pair);
  }
  const byName = (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const columns = [...registries.values()].sort(byName);
  const rows = [...clusters.values()].sort(byName);

  const head = document.getElementById("registries");
  head.replaceChildren(element("th", {scope: "col"}, "cluster \\ registry"));
  for (const registry of columns) {
    head.append(element("th", {scope: "col", "data-registry": registry.id, title: registry.loginServer},
      registry.name));
  }
  const body = document.getElementById("clusters");
  body.replaceChildren();
  for (const cluster of rows) {
    const row = element("tr", {"data-cluster": cluster.id});
    row.append(element("th", {scope: "row"}, cluster.name));
    for (const registry of columns) {
      const pair = cells.get(cluster.id + "/" + registry.id);
      if (!pair) {
        row.append(element("td", {class: "empty"}));
        continue;
      }
      const cell = element("td", {
        class: "pair state-" + pair.state, "data-state": pair.state,
        "data-cluster": cluster.name, "data-registry": registry.name
      });
      for (const binding of pair.bindings) {
        const link = element("a", {href: "/api/v1/bindings/" + binding.id, "data-binding": binding.id,
          "data-state": binding.state}, bindingLabel(binding));
        link.addEventListener("click", event => {
          event.preventDefault();
          show(binding.id);
        });
        cell.append(link);
      }
      row.append(cell);
    }
    body.append(row);
  }
  document.getElementById("matrix").hidden = rows.length === 0;
}

async function show(bindingId) {
  try {
    const binding = await call("/api/v1/bindings/" + encodeURIComponent(bindingId));
    document.getElementById("detail-title").textContent = "Binding " + binding.id;
    document.getElementById("detail-body").textContent = JSON.stringify(binding, null, 2);
    document.getElementById("detail").hidden = false;
  } catch (e) {
    say("Could not read binding " + bindingId + ": " + e.message, true);
  }
}

async function refresh() {
  if (!token) {
    say("Paste a token and press Show.", false);
    return;
  }
  say("Loading...", false);
  try {
    const state = document.getElementById("state").value;
    const found = await pairs(state);
    draw(found.pairs);
    const clusters = new Set(found.pairs.map(pair => pair.cluster.id)).size;
    const registries = new Set(found.pairs.map(pair => pair.registry.id)).size;
    say(found.pairs.length + " pairs, " + clusters + " clusters, " + registries + " registries"
      + (found.complete ? "" : " (the first " + found.pairs.length + " only: narrow the view with a state)"), false);
  } catch (e) {
    document.getElementById("matrix").hidden = true;
    say("The access view could not be read: " + e.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  // A link may carry the token in its fragment (never sent to a server); it is taken into memory and removed from
  // the address bar and history at once.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has("token")) {
    token = fragment.get("token");
    history.replaceState(null, "", location.pathname + location.search);
  }
  const state = new URLSearchParams(location.search).get("state");
  if (state) {
    document.getElementById("state").value = state;
  }
  document.getElementById("sign-in").addEventListener("submit", event => {
    event.preventDefault();
    const field = document.getElementById("token");
    if (field.value.trim()) {
      token = field.value.trim().replace(/^Bearer\s+/i, "");
      field.value = "";
    }
    refresh();
  });
  refresh();
});
