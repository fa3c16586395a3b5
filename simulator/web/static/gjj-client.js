/* The PC's programs as the portal sees them (docs/web-portal.md, guide 2.1, 2.6, 2.9):
 *   window.gjjClient = { platform, certAssistant: {serial} | {broken: true}, printComponent }
 * Login: without a working 数字证书助手 the page shows LOGIN_FAULT and disables 登录, unless it was
 * entered through the platform (?via=platform). Printing: without the 打印组件 the page shows
 * PRINT_FAULT and downloads nothing. The texts come from the page (the server's message catalogue). */
(function () {
  "use strict";

  function client() {
    return (typeof window.gjjClient === "object" && window.gjjClient) || {};
  }

  function showAlert(code, text) {
    var box = document.getElementById("client-alerts");
    if (!box) return;
    var div = document.createElement("div");
    div.className = "alert";
    div.setAttribute("role", "alert");
    div.setAttribute("data-code", code);
    div.textContent = text;
    box.replaceChildren(div);
  }

  function showStatus(text) {
    var box = document.getElementById("client-alerts");
    if (!box) return;
    var div = document.createElement("div");
    div.className = "notice";
    div.setAttribute("role", "status");
    div.textContent = text;
    box.replaceChildren(div);
  }

  function clearAlerts() {
    var box = document.getElementById("client-alerts");
    if (box) box.replaceChildren();
    document.querySelectorAll(".card > [role=alert]").forEach(function (a) { a.remove(); });
  }

  function setupLogin(form) {
    if (form.getAttribute("data-via") === "platform") return;  // the platform needs no assistant
    var assistant = client().certAssistant;
    var serialBox = document.getElementById("serial");
    var button = document.getElementById("login-button");
    if (!assistant || typeof assistant !== "object" || assistant.broken) {
      showAlert("LOGIN_FAULT", form.getAttribute("data-login-fault"));
      if (button) button.disabled = true;
      return;
    }
    if (typeof assistant.serial === "string" && assistant.serial && serialBox) {
      serialBox.value = assistant.serial;
      serialBox.readOnly = true;
    }
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function setupPrint(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearAlerts();
      if (!client().printComponent) {
        showAlert("PRINT_FAULT", form.getAttribute("data-print-fault"));
        return;
      }
      var month = (form.elements.month.value || "").trim();
      var url = "/hall/print/" + encodeURIComponent(month) + ".pdf";
      fetch(url, { credentials: "same-origin" }).then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (response.ok && type.indexOf("application/pdf") === 0) {
          return response.blob().then(function (blob) {
            download(blob, "slip-" + month + ".pdf");
            showStatus("已生成" + month + "的汇（补）缴书，请在下载的文件中打印。");
          });
        }
        return response.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var refusal = doc.querySelector("[role=alert][data-code]");
          if (refusal) {
            showAlert(refusal.getAttribute("data-code"), refusal.textContent.trim());
          } else {
            window.location.href = response.url || url;  // e.g. the session ended: show that page
          }
        });
      }).catch(function () {
        showAlert("NETWORK", "网络连接失败，请稍后重试");
      });
    });
  }

  function start() {
    var login = document.getElementById("login-form");
    if (login) setupLogin(login);
    var print = document.getElementById("print-form");
    if (print) setupPrint(print);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
