// The API client: JSON over fetch with the bearer token kept in sessionStorage (gone when the tab closes).

const TOKEN_KEY = "homeward.token";

/** An API error in the `{ error: { code, message, details } }` shape, with the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    /** What the API said beyond the message (per-field problems of a form), when it said more. */
    this.details = details;
  }
}

export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

/** The claims of a JWT, unverified (the server verifies); null when it is not a readable JWT. */
export function decodeToken(token) {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** Whether a token's `exp` has passed (a token without one is left to the server). */
export function isExpired(token, now = Date.now()) {
  const exp = decodeToken(token)?.exp;
  return typeof exp === "number" && exp * 1000 <= now;
}

async function request(path, { method = "GET", body, signal, accept = "application/json" } = {}) {
  const headers = { accept };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError(0, "network", "Homeward cannot be reached. Check your connection and try again.");
  }
  if (response.ok) return response;
  let code = "http_error";
  let message = `The request failed (HTTP ${response.status}).`;
  let details;
  try {
    const parsed = await response.json();
    if (parsed?.error?.message) message = parsed.error.message;
    if (parsed?.error?.code) code = parsed.error.code;
    details = parsed?.error?.details;
  } catch {
    // Not JSON: keep the generic message.
  }
  if (response.status === 401 && path !== "/api/login") {
    clearToken();
    window.dispatchEvent(new CustomEvent("homeward:signed-out", { detail: { reason: "expired" } }));
  }
  throw new ApiError(response.status, code, message, details);
}

/** GET/POST JSON; resolves to the parsed body (null for 204). Throws ApiError. */
export async function api(path, options) {
  const response = await request(path, options);
  if (response.status === 204) return null;
  const text = await response.text();
  return text === "" ? null : JSON.parse(text);
}

/** Fetches a file (e.g. CSV) with the token and hands it to the browser as a download. */
export async function download(path, fallbackName) {
  const response = await request(path, { accept: "text/csv, */*" });
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
