// The signup page: posts to the same-origin /signup endpoint (the server holds API_TOKEN), then
// follows /signup/<id>/events until the gateway runs. No framework, no build step, no external assets.
const LABELS = {
  secret: 'Creating secret',
  'task-definition': 'Registering task',
  'target-group': 'Creating target group',
  'listener-rule': 'Routing',
  service: 'Starting service',
  placement: 'Placing task',
  reachable: 'Checking your gateway answers',
};

const $ = (id) => document.getElementById(id);
const form = $('signup-form');
const submit = $('submit');
const formError = $('form-error');

function showError(el, message) {
  el.textContent = message;
  el.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  formError.hidden = true;
  const email = $('email').value.trim();
  const key = $('anthropic-key').value.trim();
  if (!$('email').checkValidity() || !email) {
    showError(formError, 'Please enter a valid email address.');
    $('email').focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = 'Creating…';
  try {
    const body = key ? { email, anthropicApiKey: key } : { email };
    const response = await fetch('/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (response.status !== 202) {
      const messages = {
        already_signed_up: 'This email address already has a gateway.',
        rate_limited: 'Too many attempts from here; please wait a minute.',
        no_routing_capacity: 'We are full right now; please try again later.',
      };
      const code = data.error?.code;
      const fallback = data.error?.message || 'Something went wrong.';
      showError(formError, messages[code] || fallback);
      return;
    }
    $('anthropic-key').value = '';
    form.hidden = true;
    follow(data);
  } catch {
    showError(formError, 'Could not reach the server. Please try again.');
  } finally {
    submit.disabled = false;
    submit.textContent = 'Create my gateway';
  }
});

function follow(created) {
  const steps = created.steps;
  const list = $('steps');
  list.replaceChildren(
    ...steps.map((id) => {
      const li = document.createElement('li');
      li.id = `step-${id}`;
      li.dataset.state = 'pending';
      li.textContent = LABELS[id] || id;
      return li;
    }),
  );
  $('progress').hidden = false;
  const states = Object.fromEntries(steps.map((id) => [id, 'pending']));

  const render = (status, currentStep) => {
    for (const id of steps) $(`step-${id}`).dataset.state = states[id];
    const done = steps.filter((id) => states[id] === 'done').length;
    const index = currentStep ? steps.indexOf(currentStep) + 1 : done;
    const bar = document.querySelector('.bar');
    bar.setAttribute('aria-valuenow', String(done));
    $('bar-fill').style.width = `${(done / steps.length) * 100}%`;
    let text;
    if (status === 'running') text = `Running — all ${steps.length} steps done`;
    else if (status === 'failed') text = 'Setup failed';
    else if (status === 'queued' && !currentStep) text = 'Queued…';
    else {
      const label = currentStep ? `${LABELS[currentStep] || currentStep}…` : 'Working…';
      text = `Step ${Math.max(1, index)} of ${steps.length}: ${label}`;
    }
    $('step-counter').textContent = text;
  };

  const source = new EventSource(created.links.events);
  const finish = (status) => {
    source.close();
    if (status === 'running') {
      $('instance-url').value = created.url;
      $('gateway-token').value = created.gatewayToken;
      // The gateway takes its token as ?token= for a browser link (a page cannot send a bearer header);
      // the section stays hidden until this is set.
      $('open-gateway').href = `${created.url}?token=${encodeURIComponent(created.gatewayToken)}`;
      $('done').hidden = false;
      $('done-title').focus?.();
    } else if (status === 'failed') {
      showError(
        $('progress-error'),
        'We could not finish setting up your gateway. Our team has been notified.',
      );
    } else if (status === 'deleted') {
      showError($('progress-error'), 'This gateway was deleted.');
    }
  };
  source.addEventListener('snapshot', (e) => {
    const data = JSON.parse(e.data);
    for (const step of data.steps) states[step.id] = step.state;
    render(data.status, data.currentStep);
    if (['running', 'failed', 'deleted'].includes(data.status)) finish(data.status);
  });
  const onChange = (e) => {
    const data = JSON.parse(e.data);
    if (data.step) states[data.step.id] = data.step.state;
    if (data.status === 'running') for (const id of steps) states[id] = 'done';
    render(data.status, data.currentStep);
    if (['running', 'failed', 'deleted'].includes(data.status)) finish(data.status);
  };
  source.addEventListener('step', onChange);
  source.addEventListener('status', onChange);
  // EventSource reconnects by itself after a network blip; the snapshot then redraws everything.
}

document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const input = $(button.dataset.copy);
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand('copy');
  }
  $('copy-status').textContent = `${button.dataset.copy === 'gateway-token' ? 'Token' : 'URL'} copied.`;
});
