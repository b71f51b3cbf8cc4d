// The app selector: the apps come from monitor-test through the agent (api/apps); the choice
// lives in the URL (?app=name), so a view can be shared. A server without GET /apps (the
// original Go monitor-test) leaves the selector at its default app.
export const currentApp = () => new URLSearchParams(location.search).get('app') ?? '';

/** `path` with the current ?app=, for the data endpoint and the image links. */
export function withApp(path, app = currentApp()) {
  return app ? `${path}?app=${encodeURIComponent(app)}` : path;
}

export async function fillAppSelector(select) {
  const chosen = currentApp();
  let apps = [];
  try {
    const response = await fetch('api/apps', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (response.ok) apps = (await response.json()).apps;
  } catch {
    // no list: the default app only
  }
  select.replaceChildren();
  for (const app of apps) {
    const option = document.createElement('option');
    option.value = app.name;
    option.textContent = app.domain ? `${app.name} (${app.domain})` : app.name;
    select.append(option);
  }
  if (apps.length === 0 || (chosen && !apps.some((app) => app.name === chosen))) {
    const option = document.createElement('option');
    option.value = chosen;
    option.textContent = chosen || 'default app';
    select.prepend(option);
  }
  select.value = chosen || (apps[0]?.name ?? '');
  select.disabled = apps.length === 0;
  select.title = apps.length === 0 ? 'this monitor-test does not list its apps' : '';
}

/** Puts the choice into the URL (a history entry, so Back returns to the previous app). */
export function chooseApp(app) {
  const url = new URL(location.href);
  if (!app) url.searchParams.delete('app');
  else url.searchParams.set('app', app);
  history.pushState(null, '', url);
}
