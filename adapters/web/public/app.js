// The web live chat client: plain JS, no build step. The visitor id lives in localStorage,
// agent replies arrive over server-sent events, and history is reloaded on every visit.
const STORAGE_KEY = 'support-visitor-id';
const LANG_KEY = 'support-lang';

const log = document.getElementById('log');
const form = document.getElementById('form');
const input = document.getElementById('input');
const send = document.getElementById('send');
const banner = document.getElementById('banner');
const langButton = document.getElementById('lang');

const UI = {
  en: { send: 'Send', you: 'You', bot: 'Support bot', agent: 'Agent', joined: 'A human agent is with you', ticket: 'Ticket', switchTo: '中文', typing: 'typing…', error: 'Could not send. Please try again.' },
  zh: { send: '发送', you: '我', bot: '客服机器人', agent: '客服', joined: '人工客服已接入', ticket: '工单', switchTo: 'English', typing: '正在输入…', error: '发送失败,请重试。' },
};

const visitorId = localStorage.getItem(STORAGE_KEY) ?? newVisitorId();
localStorage.setItem(STORAGE_KEY, visitorId);
let lang = localStorage.getItem(LANG_KEY) ?? (navigator.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en');

function newVisitorId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'v-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
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
  // textContent, never innerHTML: user and agent text can contain anything.
  item.append(document.createTextNode(text));
  if (extra.suggestions?.length) item.append(renderSuggestions(extra.suggestions));
  log.append(item);
  scrollDown();
  return item;
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
  banner.textContent =
    escalation.status === 'claimed' || agentName
      ? `🟢 ${UI[lang].joined}${agentName ? `: ${agentName}` : ''}`
      : `🎫 ${UI[lang].ticket} ${escalation.number ?? ''}`;
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
    const response = await fetch('/api/chat/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ visitorId, lang, ...body }),
    });
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
  const response = await fetch(`/api/chat/history?visitorId=${encodeURIComponent(visitorId)}`);
  if (!response.ok) return;
  const { messages } = await response.json();
  for (const message of messages) {
    if (message.text.startsWith('[button: ')) continue;
    addMessage(message.from, message.text, { agentName: message.agent ?? undefined });
  }
}

function listen() {
  const events = new EventSource(`/api/chat/events?visitorId=${encodeURIComponent(visitorId)}`);
  events.addEventListener('replies', (event) => {
    for (const reply of JSON.parse(event.data).replies) showReply(reply);
  });
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
  localStorage.setItem(LANG_KEY, lang);
  applyLanguage();
});

applyLanguage();
await loadHistory();
listen();
input.focus();
