// The demo's front page: lists users, adds one, signs up, shows who is logged in, uploads a file. Plain fetch calls to the JSON API.
"use strict";

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || response.statusText;
  } catch {
    return response.statusText;
  }
}

async function loadUsers() {
  const response = await fetch("/api/users?per_page=50", { headers: { accept: "application/json" } });
  const list = document.getElementById("users");
  list.replaceChildren();
  if (!response.ok) return;
  const page = await response.json();
  for (const user of page.users || []) {
    const item = document.createElement("li");
    item.textContent = `${user.name} <${user.email}>`;
    list.append(item);
  }
}

document.getElementById("new-user").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await postJson("/api/users", { name: form.get("name"), email: form.get("email") });
  const error = document.getElementById("user-error");
  error.hidden = result.ok;
  if (!result.ok) error.textContent = result.error;
  else event.target.reset();
  await loadUsers();
});

document.getElementById("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("upload-result");
  const response = await fetch("/api/uploads", { method: "POST", body: new FormData(event.target) });
  if (!response.ok) {
    result.textContent = await problemText(response);
    return;
  }
  const upload = await response.json();
  result.replaceChildren();
  const link = document.createElement("a");
  link.href = upload.url;
  link.textContent = `${upload.file_name} (${upload.size} bytes, ${upload.content_type})`;
  result.append(link);
});

// Who is logged in (the session cookie goes along with every same-origin fetch), with a log-out button.
async function loadAccount() {
  const response = await fetch("/api/me", { headers: { accept: "application/json" } });
  if (!response.ok) return;
  const me = await response.json();
  const button = document.createElement("button");
  button.textContent = "Log out";
  button.addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.reload();
  });
  document.getElementById("account").replaceChildren(`Logged in as ${me.username} `, button);
}

// Sends a form's fields as a JSON object; the answer, or the problem's text when it failed.
async function postJson(url, fields) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fields),
  });
  return { ok: response.ok, error: response.ok ? null : await problemText(response) };
}

document.getElementById("signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await postJson("/api/signup", { username: form.get("username"), password: form.get("password") });
  document.getElementById("signup-result").textContent = result.ok ? "Account created: log in above." : result.error;
  if (result.ok) event.target.reset();
});

loadUsers();
loadAccount();
