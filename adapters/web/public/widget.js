// The embeddable chat widget. On any website:
//   <script src="https://bot.example.com/widget.js" async></script>
// adds a button in a corner that opens this bot's web chat (the page `/?embed=1` in an iframe,
// created on first open, so a page view alone issues no visitor id). Options as attributes of the
// script tag: data-lang="zh|en" (default: the host page's <html lang>), data-position="left|right".
// The bot's origin comes from this script's own src; the only global is `window.SupportChatWidget`;
// the button and panel live in a shadow root, so the host page's CSS and ours do not meet.
(() => {
  if (window.SupportChatWidget) return;
  const script = document.currentScript ?? document.querySelector('script[src$="/widget.js"]');
  if (!script) return;
  const origin = new URL(script.src, location.href).origin;
  const hostLang = script.dataset.lang || document.documentElement.lang || navigator.language || '';
  const lang = hostLang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  const side = script.dataset.position === 'left' ? 'left' : 'right';
  const TEXT = {
    en: { open: 'Chat with support', close: 'Close the support chat', title: 'Support chat' },
    zh: { open: '联系在线客服', close: '关闭在线客服', title: '在线客服' },
  }[lang];
  const CHAT_ICON =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  const CLOSE_ICON =
    '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg>';
  const CSS = `
    :host { all: initial; }
    .launcher { position: fixed; ${side}: 20px; bottom: 20px; z-index: 2147483647; width: 60px; height: 60px; border: 0; border-radius: 50%;
      background: #2f6bff; color: #fff; cursor: pointer; display: grid; place-items: center; box-shadow: 0 6px 20px rgb(0 0 0 / 25%); padding: 0; }
    .launcher:focus-visible { outline: 3px solid #9bb8ff; outline-offset: 3px; }
    .panel { position: fixed; ${side}: 20px; bottom: 92px; z-index: 2147483646; width: min(380px, calc(100vw - 40px));
      height: min(620px, calc(100vh - 116px)); border-radius: 16px; overflow: hidden; background: #fff; box-shadow: 0 12px 40px rgb(0 0 0 / 28%); }
    .panel[hidden] { display: none; }
    iframe { border: 0; width: 100%; height: 100%; display: block; }
    @media (max-width: 480px) { .panel { ${side}: 8px; width: calc(100vw - 16px); bottom: 88px; height: calc(100vh - 100px); } }`;

  // An element name of its own: host-page rules for div, button or iframe never reach it or its shadow root.
  const host = document.createElement('support-chat-widget');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${CSS}</style><div class="panel" role="dialog" aria-label="${TEXT.title}" hidden></div><button class="launcher" type="button" aria-expanded="false"></button>`;
  const panel = root.querySelector('.panel');
  const launcher = root.querySelector('.launcher');

  function render(open) {
    panel.hidden = !open;
    launcher.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
    launcher.setAttribute('aria-label', open ? TEXT.close : TEXT.open);
    launcher.setAttribute('aria-expanded', String(open));
  }

  function open() {
    if (!panel.firstChild) {
      const frame = document.createElement('iframe');
      frame.title = TEXT.title;
      frame.src = `${origin}/?embed=1&lang=${lang}`;
      frame.allow = 'clipboard-write';
      panel.append(frame);
    }
    render(true);
    panel.firstChild.focus();
  }

  function close() {
    render(false);
  }

  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) {
      close();
      launcher.focus();
    }
  });
  render(false);

  const attach = () => document.body.append(host);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });

  /** The widget's one global: open, close or toggle the chat from the host page's own code. */
  window.SupportChatWidget = Object.freeze({
    open,
    close,
    toggle: () => (panel.hidden ? open() : close()),
    origin,
  });
})();
