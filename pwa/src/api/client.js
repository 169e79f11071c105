// The one place that talks to the API: same-origin cookies, the CSRF header on writes, and the
// error envelope turned into an ApiError. Nothing here caches: offline data lives in IndexedDB.
export class ApiError extends Error {
  constructor(status, code, message, fields = {}, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter; // the Retry-After header of a 429 or 503, as sent
  }
}

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Whether writes can be made yet (an app started offline learns its token once online). */
export function hasCsrfToken() {
  return Boolean(csrfToken);
}

// `keepalive`: the request outlives the page (a logout the rep follows at once with a reload).
export async function request(
  path,
  { method = "GET", body, keepalive = false, signal, fetchImpl = fetch } = {},
) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetchImpl(`/api/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    keepalive,
    signal,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = payload?.error ?? {};
    const retryAfter = response.headers?.get?.("Retry-After") ?? null;
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? response.statusText,
      error.fields ?? {},
      retryAfter,
    );
  }
  return payload;
}

export const api = {
  login: (email, password) => request("/auth/login", { method: "POST", body: { email, password } }),
  logout: () => request("/auth/logout", { method: "POST", keepalive: true }),
  me: () => request("/auth/me"),
  updateMe: (changes) => request("/auth/me", { method: "PATCH", body: changes }),
  nearby: (lat, lng, filters = {}) => {
    const query = new URLSearchParams({ lat: lat.toFixed(6), lng: lng.toFixed(6), limit: "50" });
    for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
    return request(`/accounts?${query}`);
  },
};
