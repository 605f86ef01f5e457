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
  const response = await fetch("/api/users", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: form.get("name"), email: form.get("email") }),
  });
  const error = document.getElementById("user-error");
  error.hidden = response.ok;
  if (!response.ok) error.textContent = await problemText(response);
  else event.target.reset();
  await // Who is logged in (the session cookie goes along with every same-origin fetch), with a log-out button.
async function loadAccount() {
  const account = document.getElementById("account");
  const response = await fetch("/api/me", { headers: { accept: "application/json" } });
  if (!response.ok) return;
  const me = await response.json();
  const button = document.createElement("button");
  button.textContent = "Log out";
  button.addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.reload();
  });
  account.replaceChildren(`Logged in as ${me.username} `, button);
}

document.getElementById("signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch("/api/signup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  const result = document.getElementById("signup-result");
  result.textContent = response.ok ? "Account created: log in above." : await problemText(response);
  if (response.ok) event.target.reset();
});

loadUsers();
loadAccount();
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
  const account = document.getElementById("account");
  const response = await fetch("/api/me", { headers: { accept: "application/json" } });
  if (!response.ok) return;
  const me = await response.json();
  const button = document.createElement("button");
  button.textContent = "Log out";
  button.addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.reload();
  });
  account.replaceChildren(`Logged in as ${me.username} `, button);
}

document.getElementById("signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch("/api/signup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  const result = document.getElementById("signup-result");
  result.textContent = response.ok ? "Account created: log in above." : await problemText(response);
  if (response.ok) event.target.reset();
});

loadUsers();
loadAccount();
