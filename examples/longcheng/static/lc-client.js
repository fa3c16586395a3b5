/* 龙城公积金网上服务厅 — the page side of the PC programs of 指南二、1 (CLIENT.md describes the contract).
 *   window.TohoCertAssistant  数字证书助手（行助手）: readSerial() returns the serial of the certificate on the
 *                             USB key; it throws when the assistant is broken or no key is inserted.
 *   window.TohoCell           住房公积金网上业务打印组件 (CELL control): init() throws when the control cannot start;
 *                             printPdf(url, title) prints the document at url.
 * Missing objects count as not installed. The fault texts come from the page (the guide's own words). */
var LcClient = (function () {
  "use strict";

  function show(id, text) {
    var el = document.getElementById(id);
    el.textContent = text;
    el.hidden = false;
  }

  function hide(id) {
    var el = document.getElementById(id);
    el.hidden = true;
    el.textContent = "";
  }

  /* 指南二、6: without a working certificate assistant the page shows the login fault and cannot log in. */
  function prepareLogin(faultText) {
    var serial = document.getElementById("f-zsxlh");
    var button = document.getElementById("login-button");
    try {
      if (!window.TohoCertAssistant) { throw new Error("TohoCertAssistant is not installed"); }
      var value = window.TohoCertAssistant.readSerial();
      if (!value) { throw new Error("no certificate on the key"); }
      serial.value = String(value);
    } catch (e) {
      show("client-fault", faultText);
      button.disabled = true;
    }
  }

  /* 指南二、9 and 三、2（3）: the print component must start; then the server says whether the month prints. */
  function preparePrint(checkUrl, faultText) {
    var form = document.getElementById("print-form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hide("print-error");
      hide("print-done");
      var month = document.getElementById("f-ny").value.trim();
      if (!month) { show("print-error", "请填写汇缴年月"); return; }
      var cell = window.TohoCell;
      try {
        if (!cell) { throw new Error("TohoCell is not installed"); }
        cell.init();
      } catch (e) {
        show("print-error", faultText);
        return;
      }
      fetch(checkUrl + "?ny=" + encodeURIComponent(month), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (!answer.kdy) { show("print-error", answer.msg); return; }
          cell.printPdf(answer.url, answer.mc);
          show("print-done", "已将" + answer.mc + "发送到打印组件打印。");
        })
        .catch(function () { show("print-error", "网络异常，请稍后重试"); });
    });
  }

  return {prepareLogin: prepareLogin, preparePrint: preparePrint};
}());
