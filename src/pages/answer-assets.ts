// The answer page's script and style, served as files (/assets/answer.js, /assets/answer.css) because the page's CSP
// allows no inline code. The script only enhances: a live countdown, and answers sent to the JSON route without leaving
// the page. Everything it says comes from the page's data attributes, so it carries no texts of its own.

export const ANSWER_SCRIPT = `'use strict';
(function () {
  var main = document.querySelector('main');
  var clock = document.querySelector('.countdown');
  var form = document.querySelector('form.answer');
  var status = document.querySelector('.status');
  if (!main || !clock || !form || !status) return;
  var buttons = form.querySelectorAll('button');
  var deadline = Number(clock.dataset.deadline);
  // The service's clock, not the phone's: the page says how far it is from the service's now.
  var skew = Number(clock.dataset.now) - Date.now();
  var timer = 0;
  function tick() {
    var left = Math.ceil((deadline - (Date.now() + skew)) / 1000);
    if (left <= 0) {
      window.clearInterval(timer);
      main.dataset.state = 'expired';
      status.textContent = clock.dataset.expired;
      clock.textContent = '';
      form.hidden = true;
      return;
    }
    clock.textContent = clock.dataset.template.replace('{m}', String(Math.floor(left / 60))).replace('{s}', String(left % 60).padStart(2, '0'));
  }
  timer = window.setInterval(tick, 1000);
  tick();

  var chosen = '';
  buttons.forEach(function (b) { b.addEventListener('click', function () { chosen = b.value; }); });
  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }
  // A decline passes the seat on at once and cannot be undone: it asks once more (a slip of the thumb is no answer).
  var decline = form.querySelector('button[value="decline"]');
  var armed = false;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var answer = (event.submitter && event.submitter.value) || chosen;
    if (answer !== 'accept' && answer !== 'decline') return;
    if (answer === 'decline' && !armed && decline) {
      armed = true;
      status.textContent = form.dataset.confirm;
      decline.textContent = form.dataset.confirmButton;
      decline.focus();
      return;
    }
    busy(true);
    status.textContent = form.dataset.submitting;
    var token = location.pathname.split('/').pop();
    fetch('../v1/responses/' + encodeURIComponent(token), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: answer }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    }).then(function (res) {
      // Not taken, the service said so (busy or failing): not the phone's network, and pressing again is right.
      if (res.status === 429 || res.status >= 500) throw new Error('busy');
      // Taken, or refused because the call moved on: the page as the service has it now says which. A refusal because
      // it was answered already (another device) says so above that, as the page does without JavaScript.
      var next = new URL(location.href);
      if (res.status === 409) next.searchParams.set('notice', 'answered');
      else next.searchParams.delete('notice');
      location.replace(next.toString());
    }).catch(function (err) {
      busy(false);
      status.textContent = err && err.message === 'busy' ? form.dataset.busy : form.dataset.failed;
    });
  });
})();
`;

export const ANSWER_STYLE = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f5f8;color:#1b1f24;font:17px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif}
main{max-width:30rem;margin:0 auto;padding:1.25rem 1rem 2rem;background:#fff;min-height:100vh}
header{display:flex;align-items:baseline;justify-content:space-between;gap:1rem;border-bottom:3px solid #b22222;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.25rem 0 .5rem}
.lang{font-size:.9rem;color:#1f4e8c;white-space:nowrap}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem;margin:0 0 1rem}
dt{color:#59626d}
dd{margin:0;font-weight:600;word-break:break-word}
.status{font-size:1.1rem;margin:1rem 0}
.when{color:#59626d;font-size:.95rem}
.notice{background:#fff4e5;border-left:4px solid #d97706;padding:.6rem .8rem;margin:0 0 1rem}
.countdown{font-size:1.25rem;font-weight:700;color:#b22222;margin:.5rem 0 1rem;font-variant-numeric:tabular-nums}
form{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
form[hidden]{display:none}
button{font:inherit;font-size:1.2rem;font-weight:700;padding:.9rem 0;border-radius:.5rem;border:2px solid transparent;min-height:3.2rem;cursor:pointer}
button.accept{background:#1d7a3c;color:#fff}
button.decline{background:#fff;color:#b22222;border-color:#b22222}
button:disabled{opacity:.5;cursor:wait}
section h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
section ul{padding-left:1.1rem;margin:0}
section li{margin:.75rem 0}
details.object summary{color:#1f4e8c;cursor:pointer;margin-top:.25rem}
form.objection{display:block;margin:.5rem 0}
form.objection label{display:block;color:#59626d}
textarea{display:block;width:100%;font:inherit;padding:.5rem;margin:.25rem 0 .75rem;border:1px solid #c3c9d1;border-radius:.4rem}
form.objection button{width:100%}
.final,.help{color:#59626d;font-size:.9rem}
[data-state=accepted] .status,[data-state=checked-in] .status{color:#1d7a3c;font-weight:700}
[data-state=declined] .status,[data-state=cancelled] .status,[data-state=expired] .status,[data-state=superseded] .status,[data-state=closed] .status,[data-state=unknown] .status,[data-state=error] .status{font-weight:700}
`;
