// The web live chat client: plain JS, no build step. The server issues the visitor id (kept in
// localStorage); what support sends later arrives over server-sent events, each event carrying
// the id of its last message, so a page that reconnects (after a network drop or a restart of
// the bot) is sent exactly what it missed. History is reloaded on every visit.
const STORAGE_KEY = 'support-visitor-id';
const LANG_KEY = 'support-lang';
// `?embed=1`: the page fills the widget's frame (see widget.js); `?lang=zh|en`: the language until the visitor picks one.
const params = new URLSearchParams(location.search);
if (params.has('embed')) document.documentElement.classList.add('embed');
// Links in replies, found as the help centre finds them (adapters/web/help/answer.ts): URLs and this bot's /help/ pages.
const LINK = /https?:\/\/[^\s<>()（）\u3000-\u9fff\uff00-\uffef]+|(?<![\w/])\/help\/[\w-]+/g;

const log = document.getElementById('log');
const form = document.getElementById('form');
const input = document.getElementById('input');
const send = document.getElementById('send');
const banner = document.getElementById('banner');
const langButton = document.getElementById('lang');

const UI = {
  en: {
    send: 'Send',
    you: 'You',
    bot: 'Support bot',
    agent: 'Agent',
    joined: 'A human agent is with you',
    ticket: 'Ticket',
    switchTo: '中文',
    typing: 'typing…',
    error: 'Could not send. Please try again.',
  },
  zh: { send: '发送', you: '我', bot: '客服机器人', agent: '客服', joined: '人工客服已接入', ticket: '工单', switchTo: 'English', typing: '正在输入…', error: '发送失败,请重试。' },
};

// localStorage, or (where the browser refuses it: the widget's frame on another site when
// third-party storage is blocked) memory, so the chat still works for the life of the page.
const storage = (() => {
  try {
    localStorage.getItem(STORAGE_KEY);
    return localStorage;
  } catch {
    const memory = new Map();
    return { getItem: (key) => memory.get(key) ?? null, setItem: (key, value) => memory.set(key, String(value)) };
  }
})();

let visitorId = storage.getItem(STORAGE_KEY);
let lang = storage.getItem(LANG_KEY) ?? (['zh', 'en'].includes(params.get('lang')) ? params.get('lang') : navigator.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en');
// The id of the newest message this page has shown from the history or the event stream.
let lastSeen = null;
let events = null;

async function issueVisitorId() {
  const response = await fetch('/api/chat/visitors', { method: 'POST' });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ?? response.statusText);
  visitorId = data.visitorId;
  storage.setItem(STORAGE_KEY, visitorId);
}

// Calls the API as this visitor. An id the server did not issue (one made by an older version of
// this page) is answered 401: the page gets a new id, once, and repeats the call.
async function api(request) {
  if (!visitorId) await issueVisitorId();
  const response = await request(visitorId);
  if (response.status !== 401) return response;
  await issueVisitorId();
  if (events) {
    lastSeen = null;
    listen();
  }
  return request(visitorId);
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  send.textContent = UI[lang].send;
  langButton.textContent = UI[lang].switchTo;
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

function addMessage(from, text, extra = {}) {
  const item = document.createElement('li');
  const kind = extra.kind === 'warning' ? 'warning' : from;
  item.className = `msg msg--${kind}`;
  item.dataset.from = from;
  if (from === 'agent') {
    const who = document.createElement('span');
    who.className = 'msg__who';
    who.textContent = extra.agentName ?? UI[lang].agent;
    item.append(who);
  }
  // Text nodes and links built as elements, never innerHTML: user and agent text can contain anything.
  item.append(...(from === 'user' ? [document.createTextNode(text)] : withLinks(text)));
  if (extra.suggestions?.length) item.append(renderSuggestions(extra.suggestions));
  log.append(item);
  scrollDown();
  return item;
}

// Text as nodes, its links (see LINK) clickable; they open in a new tab, out of the widget's frame.
function withLinks(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(/[.,;:!?'"]+$/, '');
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement('a');
    link.href = url;
    link.textContent = url;
    link.target = '_blank';
    link.rel = 'noopener';
    nodes.push(link);
    last = match.index + url.length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function renderSuggestions(suggestions) {
  const box = document.createElement('div');
  box.className = 'suggestions';
  for (const suggestion of suggestions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = suggestion.label;
    button.addEventListener('click', () => {
      for (const other of box.querySelectorAll('button')) other.disabled = true;
      void post({ payload: suggestion.payload }, suggestion.label);
    });
    box.append(button);
  }
  return box;
}

function showReply(reply) {
  if (reply.kind === 'agent') {
    addMessage('agent', reply.text, reply);
  } else {
    addMessage('bot', reply.text, reply);
  }
  if (reply.escalation) updateBanner(reply.escalation, reply.agentName);
  if (reply.agentName && reply.kind === 'status') updateBanner({ status: 'claimed' }, reply.agentName);
}

function updateBanner(escalation, agentName) {
  if (escalation.status === 'resolved' || escalation.status === 'closed') {
    banner.hidden = true;
    return;
  }
  banner.hidden = false;
  banner.textContent = escalation.status === 'claimed' || agentName ? `🟢 ${UI[lang].joined}${agentName ? `: ${agentName}` : ''}` : `🎫 ${UI[lang].ticket} ${escalation.number ?? ''}`;
}

async function post(body, echo) {
  addMessage('user', echo ?? body.text);
  const typing = document.createElement('li');
  typing.className = 'typing';
  typing.textContent = UI[lang].typing;
  log.append(typing);
  scrollDown();
  send.disabled = true;
  try {
    const response = await api((id) =>
      fetch('/api/chat/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ visitorId: id, lang, ...body }),
      }),
    );
    const data = await response.json();
    if (!response.ok) throw new Error(data.error ?? response.statusText);
    for (const reply of data.replies) showReply(reply);
  } catch (error) {
    addMessage('bot', `${UI[lang].error} (${error.message})`, { kind: 'warning' });
  } finally {
    typing.remove();
    send.disabled = false;
    input.focus();
  }
}

async function loadHistory() {
  const response = await api((id) => fetch(`/api/chat/history?visitorId=${encodeURIComponent(id)}`));
  if (!response.ok) return;
  const { messages } = await response.json();
  for (const message of messages) {
    if (!message.text.startsWith('[button: ')) addMessage(message.from, message.text, { agentName: message.agent ?? undefined });
  }
  lastSeen = messages.at(-1)?.id ?? lastSeen;
}

// Opens the event stream from the last message shown. After a dropped connection the browser
// reconnects by itself, sending the last event's id (Last-Event-ID); a refused connection (the
// server answered an error) is closed for good, so the page checks its id and opens a new one.
function listen() {
  events?.close();
  const after = lastSeen ? `&after=${encodeURIComponent(lastSeen)}` : '';
  const source = new EventSource(`/api/chat/events?visitorId=${encodeURIComponent(visitorId)}${after}`);
  events = source;
  source.addEventListener('replies', (event) => {
    lastSeen = event.lastEventId || lastSeen;
    for (const reply of JSON.parse(event.data).replies) showReply(reply);
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED && events === source) setTimeout(() => void relisten(source), 5000);
  });
}

async function relisten(closed) {
  if (events !== closed) return;
  const response = await api((id) => fetch(`/api/chat/history?visitorId=${encodeURIComponent(id)}`)).catch(() => undefined);
  if (events !== closed) return;
  if (response?.ok) listen();
  else setTimeout(() => void relisten(closed), 5000);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  input.style.height = '';
  void post({ text });
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

input.addEventListener('input', () => {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
});

langButton.addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  storage.setItem(LANG_KEY, lang);
  applyLanguage();
});

applyLanguage();
await loadHistory();
listen();
input.focus();
