/* global document, window, location, fetch, Notification, EventSource, setInterval */
// The agents' console in the browser: plain JS, no build step, served as a file under a CSP
// without inline code. Pages are rendered (and escaped) by the server; this script only keeps
// them live: it follows /desk/events (server-sent events: which ticket changed), fetches the
// changed part again as server-rendered HTML, counts the SLA down, and raises a desktop
// notification for a new urgent ticket.
const body = document.body;
const texts = body.dataset;

// `1:05:09` or `4:07`.
function duration(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function countDown() {
  for (const time of document.querySelectorAll('time[data-due]')) {
    const left = Date.parse(time.dataset.due) - Date.now();
    time.textContent = (left >= 0 ? texts.slaLeft : texts.slaOverdue).replace('{time}', duration(left));
    time.classList.toggle('overdue', left < 0);
  }
}

// Fetches a server-rendered fragment into `target`, one request at a time, the latest wins.
function refresher(url, target) {
  let running = false;
  let again = false;
  return async function refresh() {
    if (running) return void (again = true);
    running = true;
    try {
      const response = await fetch(url(), { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.status === 401) return void location.reload();
      if (response.ok) {
        target.innerHTML = await response.text();
        countDown();
      }
    } finally {
      running = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };
}

function notifyUrgent(event) {
  if (event.type !== 'opened' || event.priority !== 'urgent' || !('Notification' in window) || Notification.permission !== 'granted') return;
  const notification = new Notification(texts.notifyUrgent.replace('{number}', event.number), { tag: `ticket-${event.ticketId}` });
  notification.onclick = () => {
    window.focus();
    location.href = `/desk/tickets/${encodeURIComponent(event.number)}`;
  };
}

function offerNotifications() {
  const button = document.getElementById('notify');
  if (!button || !('Notification' in window) || Notification.permission !== 'default') return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await Notification.requestPermission();
    button.hidden = Notification.permission !== 'default';
  });
}

function follow(onEvent) {
  const events = new EventSource('/desk/events');
  events.addEventListener('desk', (message) => onEvent(JSON.parse(message.data)));
}

if (texts.page === 'inbox') {
  const rows = document.getElementById('rows');
  const refresh = refresher(() => `/desk/rows${location.search}`, rows);
  follow((event) => {
    notifyUrgent(event);
    void refresh();
  });
  offerNotifications();
  countDown();
  setInterval(countDown, 1000);
}

if (texts.page === 'ticket') {
  const id = Number(texts.ticketId);
  const live = document.getElementById('live');
  const refresh = refresher(() => `/desk/tickets/${id}/live`, live);
  follow((event) => {
    if (event.ticketId === id) void refresh();
  });
  // A canned reply or the brain's draft goes into the reply box at the cursor; only Send sends it.
  const reply = document.getElementById('reply-text');
  const insert = (text) => {
    reply.setRangeText(text, reply.selectionStart, reply.selectionEnd, 'end');
    reply.focus();
  };
  // A button, not the list's change event: arrowing through the list must not insert each one.
  document.getElementById('insert-canned')?.addEventListener('click', () => {
    const canned = document.getElementById('canned');
    const text = canned.selectedOptions[0]?.dataset.text;
    if (text) insert(text);
    canned.value = '';
  });
  for (const button of document.querySelectorAll('[data-insert-from]')) {
    button.addEventListener('click', () => insert(document.getElementById(button.dataset.insertFrom).textContent));
  }
  // Ctrl+Enter (⌘+Enter) sends a reply or a note; Enter alone is a new line.
  for (const area of document.querySelectorAll('form textarea')) {
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) area.form.requestSubmit();
    });
  }
}
