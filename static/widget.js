/*
 * Intranet widget of the plans Q&A chat: a floating button that opens the chat in a panel.
 *
 * One line on any portal page:
 *   <script src="http://HOST:8501/app/static/widget.js" data-app-url="http://HOST:8501"
 *           data-province="Hà Tĩnh" data-lang="vi"></script>
 *
 * data-app-url   where the chat runs (default: the server this file came from)
 * data-province  start with answers restricted to this province (optional)
 * data-lang      "vi" (default) or "en"
 * data-title     the button's label (default: "Hỏi đáp kế hoạch" / "Ask the plans")
 *
 * The panel holds an iframe of `${appUrl}/?embed=true&province=…&lang=…`, created on the
 * first click so that the portal page does not start a chat session nobody opens.
 * The panel's "new conversation" button reloads the frame with a fresh chat (the chat
 * keeps its conversation in its own URL, ?chat=…, so a reload of the frame alone keeps it).
 * The chat's server must list the portal's origin in QA_FRAME_ANCESTORS, or the
 * browser refuses to show the chat in the frame.
 * No dependencies, no innerHTML: every value from the attributes goes through
 * setAttribute/textContent or encodeURIComponent, so a quote in a province name cannot
 * break out of the markup. window.QAWidget.open()/close()/toggle()/newConversation() drive
 * it from script.
 */
(function () {
  "use strict";
  if (window.QAWidget) return; // included twice: keep the first

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var lang = String(data.lang || "vi").toLowerCase().slice(0, 2) === "en" ? "en" : "vi";
  var TEXT = {
    vi: { button: "Hỏi đáp kế hoạch", close: "Đóng", frame: "Hỏi đáp kế hoạch chuyển đổi số",
          reset: "Cuộc trò chuyện mới" },
    en: { button: "Ask the plans", close: "Close", frame: "Digital-transformation plans Q&A",
          reset: "New conversation" }
  }[lang];
  var PREFIX = "qa-widget";

  /** The chat's base URL: data-app-url, else the origin and path widget.js was served from. */
  function appUrl() {
    var fromScript = script && script.src ? script.src.replace(/\/app\/static\/widget\.js(\?.*)?$/, "") : "";
    var url = String(data.appUrl || fromScript || "").replace(/\/+$/, "");
    // Only http(s): a javascript: or data: URL in the attribute must not become the iframe's src.
    return /^https?:\/\//i.test(url) ? url : "";
  }

  /** The embed URL, every parameter URL-encoded. */
  function chatUrl() {
    var params = ["embed=true", "lang=" + encodeURIComponent(lang)];
    if (data.province) params.push("province=" + encodeURIComponent(data.province));
    return appUrl() + "/?" + params.join("&");
  }

  function addStyles() {
    var css =
      "." + PREFIX + "-button{position:fixed;right:24px;bottom:24px;z-index:2147483000;display:flex;" +
      "align-items:center;gap:8px;padding:12px 18px;border:0;border-radius:999px;background:#0b57d0;" +
      "color:#fff;font:600 15px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;cursor:pointer;" +
      "box-shadow:0 6px 20px rgba(11,87,208,.35)}" +
      "." + PREFIX + "-button:hover{background:#0842a0}" +
      "." + PREFIX + "-button:focus-visible{outline:3px solid #fbbc04;outline-offset:2px}" +
      "." + PREFIX + "-panel{position:fixed;right:24px;bottom:88px;z-index:2147483000;width:420px;" +
      "height:640px;max-width:calc(100vw - 32px);max-height:calc(100vh - 120px);display:none;" +
      "flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;" +
      "box-shadow:0 12px 40px rgba(0,0,0,.25)}" +
      "." + PREFIX + "-panel[data-open=true]{display:flex}" +
      "." + PREFIX + "-head{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;" +
      "background:#0b57d0;color:#fff;font:600 15px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
      "." + PREFIX + "-close{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer}" +
      "." + PREFIX + "-tools{display:flex;align-items:center;gap:6px;flex:none}" +
      "." + PREFIX + "-title{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;margin-right:8px}" +
      "." + PREFIX + "-reset{border:1px solid rgba(255,255,255,.7);background:transparent;color:#fff;border-radius:999px;" +
      "padding:3px 10px;white-space:nowrap;font:500 12.5px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;cursor:pointer}" +
      "." + PREFIX + "-reset:hover{background:rgba(255,255,255,.15)}" +
      "." + PREFIX + "-reset:focus-visible,." + PREFIX + "-close:focus-visible{outline:2px solid #fbbc04;outline-offset:2px}" +
      "." + PREFIX + "-frame{flex:1;width:100%;border:0}" +
      "@media (max-width:520px){." + PREFIX + "-panel{right:8px;left:8px;width:auto;bottom:80px}}";
    var style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  }

  var button, panel, frame;

  /** A speech-bubble icon drawn as SVG (an emoji needs a font some desktops lack). */
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("fill-rule", "evenodd"); // the three dots are holes in the bubble
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" +
      "M5.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z" +
      "M10.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z" +
      "M15.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z");
    svg.appendChild(path);
    return svg;
  }

  function build() {
    addStyles();
    button = document.createElement("button");
    button.type = "button";
    button.className = PREFIX + "-button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", PREFIX + "-panel");
    button.appendChild(chatIcon());
    button.appendChild(document.createTextNode(data.title || TEXT.button));

    panel = document.createElement("div");
    panel.id = PREFIX + "-panel";
    panel.className = PREFIX + "-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", TEXT.frame);

    var head = document.createElement("div");
    head.className = PREFIX + "-head";
    var title = document.createElement("span");
    title.className = PREFIX + "-title";
    title.textContent = data.province ? TEXT.button + " · " + data.province : TEXT.button;
    var close = document.createElement("button");
    close.type = "button";
    close.className = PREFIX + "-close";
    close.setAttribute("aria-label", TEXT.close);
    close.textContent = "×";
    close.addEventListener("click", function () { setOpen(false); });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = PREFIX + "-reset";
    reset.textContent = TEXT.reset;
    reset.addEventListener("click", newConversation);
    var tools = document.createElement("div");
    tools.className = PREFIX + "-tools";
    tools.appendChild(reset);
    tools.appendChild(close);
    head.appendChild(title);
    head.appendChild(tools);
    panel.appendChild(head);

    button.addEventListener("click", function () { setOpen(panel.getAttribute("data-open") !== "true"); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.getAttribute("data-open") === "true") setOpen(false);
    });
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  function setOpen(open) {
    if (open && !frame) {
      if (!appUrl()) {
        window.console && console.error("widget.js: set data-app-url to the chat's http(s) address");
        return;
      }
      frame = document.createElement("iframe");
      frame.className = PREFIX + "-frame";
      frame.title = TEXT.frame;
      frame.src = chatUrl();
      frame.setAttribute("allow", "clipboard-write");
      panel.appendChild(frame);
    }
    panel.setAttribute("data-open", open ? "true" : "false");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  /** A fresh chat: the frame reloads the embed URL, which names no earlier conversation. */
  function newConversation() {
    if (frame) frame.src = chatUrl();
    else setOpen(true);
  }

  window.QAWidget = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    toggle: function () { setOpen(panel.getAttribute("data-open") !== "true"); },
    newConversation: newConversation,
    url: chatUrl
  };

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
