// The signup page. Nothing is created from this form: POST /signup mails a single-use link; opening it
// (#verify=<token> in the URL fragment, which browsers never send to a server) posts the token to
// /signup/verify, which creates or resumes the gateway. No framework, no build step, no external assets.
(() => {
  const LABELS = {
    secret: 'Creating secret',
    'task-definition': 'Registering task',
    'target-group': 'Creating target group',
    'listener-rule': 'Routing',
    service: 'Starting service',
    placement: 'Placing task',
    reachable: 'Checking your gateway answers',
  };
  const SESSION = 'openclaw-signup';
  const FINAL = ['running', 'failed', 'deleted', 'deleting', 'degraded'];

  // The widget's proof of work runs in a worker file from this origin (the page's CSP allows nothing else).
  globalThis.$altcha?.algorithms.set('SHA-256', () => new Worker('/signup-vendor/altcha-sha.js'));

  const byId = (id) => document.getElementById(id);

  function show(el, message) {
    el.textContent = message;
    el.hidden = false;
  }

  /** Human wording for the server's error codes; anything else gets "try again" and a reference id. */
  function explain(status, body, requestId) {
    const error = body?.error ?? {};
    const field = error.details?.issues?.[0]?.path ?? '';
    const messages = {
      invalid_body: field.startsWith('anthropicApiKey')
        ? 'That does not look like an Anthropic API key: they start with “sk-ant-”.'
        : field.startsWith('email')
          ? 'Please enter a valid email address, like ada@example.com.'
          : 'Something in the form was not accepted; please check it and try again.',
      proof_of_work_failed: 'The anti-spam check did not finish; please try again.',
      rate_limited: 'Too many attempts from your network; please wait a minute and try again.',
      mail_unavailable: 'We could not send the mail just now; please try again in a minute.',
      signup_full: 'We are full right now and cannot create new gateways. Please try again later.',
      link_invalid: 'This link is not valid. Ask for a new one below.',
      link_expired: 'This link has expired. Ask for a new one below.',
      link_used: 'This link was already used or has expired. Ask for a new one below.',
      no_gateway: 'This address has no gateway yet. Sign up with the form above.',
      not_rotatable: 'Your gateway is busy being set up or changed. Wait until it runs, then ask again.',
      redis_unavailable: 'We are having a short outage; please try again in a minute.',
    };
    if (messages[error.code]) return messages[error.code];
    const reference = error.requestId || requestId;
    return `Something went wrong on our side (${status}). Please try again${reference ? ` and quote reference ${reference}` : ''}.`;
  }

  async function postJson(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { response, data, requestId: response.headers.get('x-request-id') };
  }

  /** The form's proof of work: the widget's payload, solving it now if the user has not ticked it yet. */
  async function proofOf(form) {
    const widget = form.querySelector('altcha-widget');
    const existing = form.elements.altcha?.value;
    if (existing) return existing;
    const result = await widget?.verify?.();
    return result?.payload ?? form.elements.altcha?.value ?? '';
  }

  function wireMailForm(form, { emailInput, keyInput, errorEl, button, path, busy }) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      errorEl.hidden = true;
      const email = emailInput.value.trim();
      const key = keyInput.value.trim();
      if (!emailInput.checkValidity() || !email) {
        show(errorEl, 'Please enter a valid email address, like ada@example.com.');
        emailInput.focus();
        return;
      }
      const label = button.textContent;
      button.disabled = true;
      button.textContent = busy;
      try {
        const altcha = await proofOf(form);
        if (!altcha) throw new Error('no proof of work');
        const body = key ? { email, anthropicApiKey: key, altcha } : { email, altcha };
        const { response, data, requestId } = await postJson(path, body);
        if (response.status !== 202) {
          show(errorEl, explain(response.status, data, requestId));
          return;
        }
        keyInput.value = '';
        form.hidden = true;
        byId('lost').hidden = true;
        show(byId('mailed-text'), `${data.message} The link expires soon and works once.`);
        byId('mailed').hidden = false;
        byId('mailed-title').focus();
      } catch {
        show(errorEl, 'Could not reach the server or finish the anti-spam check. Please try again.');
      } finally {
        form.querySelector('altcha-widget')?.reset?.();
        button.disabled = false;
        button.textContent = label;
      }
    });
  }

  wireMailForm(byId('signup-form'), {
    emailInput: byId('email'),
    keyInput: byId('anthropic-key'),
    errorEl: byId('form-error'),
    button: byId('submit'),
    path: '/signup',
    busy: 'Sending…',
  });
  wireMailForm(byId('lost-form'), {
    emailInput: byId('lost-email'),
    keyInput: byId('lost-key'),
    errorEl: byId('lost-error'),
    button: byId('lost-submit'),
    path: '/signup/lost-token',
    busy: 'Sending…',
  });

  /** Opens a mailed link (#verify= or #rotate=), once; the view it returns survives reloads of this tab. */
  async function openLink() {
    const match = /^#(verify|rotate)=([\w.-]+)$/.exec(location.hash);
    if (!match) return false;
    history.replaceState(null, '', location.pathname);
    byId('signup-form').hidden = true;
    const { response, data, requestId } = await postJson(
      match[1] === 'verify' ? '/signup/verify' : '/signup/rotate',
      { token: match[2] },
    ).catch(() => ({ response: { status: 0 }, data: {} }));
    if (response.status !== 200) {
      show(
        byId('link-error'),
        response.status
          ? explain(response.status, data, requestId)
          : 'Could not reach the server. Reload to try again.',
      );
      byId('signup-form').hidden = false;
      return true;
    }
    sessionStorage.setItem(SESSION, JSON.stringify(data));
    follow(data);
    return true;
  }

  function follow(view) {
    const steps = view.steps;
    byId('steps').replaceChildren(
      ...steps.map((id) => {
        const li = document.createElement('li');
        li.id = `step-${id}`;
        li.dataset.state = 'pending';
        li.textContent = LABELS[id] || id;
        return li;
      }),
    );
    byId('signup-form').hidden = true;
    byId('mailed').hidden = true;
    byId('link-error').hidden = true;
    byId('progress').hidden = false;
    const states = Object.fromEntries(steps.map((id) => [id, 'pending']));

    const render = (status, currentStep) => {
      for (const id of steps) byId(`step-${id}`).dataset.state = states[id];
      const done = steps.filter((id) => states[id] === 'done').length;
      const index = currentStep ? steps.indexOf(currentStep) + 1 : done;
      document.querySelector('.bar').setAttribute('aria-valuenow', String(done));
      byId('bar-fill').style.width = `${(done / steps.length) * 100}%`;
      let text;
      if (status === 'running') text = `Running — all ${steps.length} steps done`;
      else if (status === 'failed') text = 'Setup failed';
      else if (status === 'queued' && !currentStep) text = 'Queued…';
      else if (status === 'degraded') text = 'Applying your new token…';
      else {
        const label = currentStep ? `${LABELS[currentStep] || currentStep}…` : 'Working…';
        text = `Step ${Math.max(1, index)} of ${steps.length}: ${label}`;
      }
      byId('step-counter').textContent = text;
    };

    if (view.gatewayToken) {
      byId('gateway-token').value = view.gatewayToken;
      byId('token-field').hidden = false;
    }
    byId('instance-url').value = view.url;

    let source = null;
    let degradedLooks = 0;
    const finish = (status) => {
      source?.close();
      byId('connection').hidden = true;
      if (status === 'running') {
        if (view.gatewayToken) {
          // The gateway takes its token as ?token= for a browser link (a page cannot send a bearer header).
          byId('open-gateway').href = `${view.url}?token=${encodeURIComponent(view.gatewayToken)}`;
          byId('open-row').hidden = false;
        }
        byId('done').hidden = false;
        byId('done-title').focus?.();
      } else if (status === 'failed') {
        show(
          byId('progress-error'),
          `We could not finish setting up your gateway. Ask for a new link above and open it to try again (reference ${view.id}).`,
        );
        byId('signup-form').hidden = false;
      } else if (status === 'deleted' || status === 'deleting') {
        show(byId('progress-error'), 'This gateway was deleted. Sign up again to get a new one.');
        sessionStorage.removeItem(SESSION);
        byId('signup-form').hidden = false;
      } else if (status === 'degraded') {
        // A new token moves the gateway through degraded on its way back to running: look again, slower
        // each time, and stop after a while (a gateway degraded for another reason is being repaired).
        degradedLooks += 1;
        if (degradedLooks <= 20) setTimeout(connect, Math.min(10_000, 500 * 2 ** degradedLooks));
        else
          show(byId('progress-error'), 'Your gateway is being repaired. Reload this page in a few minutes.');
      }
    };
    const onChange = (data, snapshot) => {
      if (snapshot) for (const step of data.steps) states[step.id] = step.state;
      if (data.step) states[data.step.id] = data.step.state;
      if (data.status === 'running') for (const id of steps) states[id] = 'done';
      render(data.status, data.currentStep);
      if (FINAL.includes(data.status)) finish(data.status);
    };
    const connect = () => {
      source?.close();
      source = new EventSource(view.links.events);
      source.addEventListener('open', () => {
        byId('connection').hidden = true;
      });
      // EventSource reconnects by itself (sending Last-Event-ID) after a drop or the server's time limit;
      // the snapshot it gets then redraws everything. A refusal (expired link, too many views) ends it.
      source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) {
          show(
            byId('connection'),
            'We lost the progress view. Reload the page, or open a new link from your mail.',
          );
        } else {
          show(byId('connection'), 'Connection lost, retrying…');
        }
      });
      source.addEventListener('snapshot', (e) => onChange(JSON.parse(e.data), true));
      source.addEventListener('step', (e) => onChange(JSON.parse(e.data), false));
      source.addEventListener('status', (e) => onChange(JSON.parse(e.data), false));
    };
    connect();
  }

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    const input = byId(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand('copy');
    }
    byId('copy-status').textContent = `${button.dataset.copy === 'gateway-token' ? 'Token' : 'URL'} copied.`;
  });

  // A link opened in a tab that already shows this page changes only the fragment: no reload.
  window.addEventListener('hashchange', () => void openLink());
  // A reload keeps the view this tab opened (the link itself works only once).
  openLink().then((opened) => {
    if (opened) return;
    const saved = sessionStorage.getItem(SESSION);
    if (saved) follow(JSON.parse(saved));
  });
})();
