// Passkey ceremonies of the Bürgerkonto. The rest of the service works
// without JavaScript; passkeys need the browser's WebAuthn API.
"use strict";

(function () {
  const endpoints = {
    login: { options: "/anmelden/passkey/optionen", finish: "/anmelden/passkey/pruefen" },
    register: { options: "/konto/passkeys/optionen", finish: "/konto/passkeys/speichern" },
  };

  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (e) {
      data = {};
    }
    if (!response.ok) {
      if (data.weiter) {
        window.location.assign(data.weiter);
      }
      throw new Error(data.fehler || "Der Passkey konnte nicht verwendet werden.");
    }
    return data;
  }

  async function run(kind) {
    const ep = endpoints[kind];
    const options = await postJSON(ep.options, {});
    let credential;
    if (kind === "login") {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey);
      credential = await navigator.credentials.get({ publicKey });
    } else {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey);
      credential = await navigator.credentials.create({ publicKey });
    }
    let url = ep.finish;
    if (kind === "register") {
      const name = document.getElementById("passkey-name");
      url += "?name=" + encodeURIComponent(name ? name.value : "");
    }
    const result = await postJSON(url, credential.toJSON());
    window.location.assign(result.weiter || "/");
  }

  function showError(message) {
    const box = document.querySelector("[data-passkey-error]");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    for (const button of document.querySelectorAll("[data-passkey]")) {
      if (!window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
        button.disabled = true;
        showError("Dieser Browser unterstützt keine Passkeys.");
        continue;
      }
      button.addEventListener("click", function () {
        button.disabled = true;
        run(button.dataset.passkey).catch(function (err) {
          showError(err && err.name === "NotAllowedError"
            ? "Der Vorgang wurde abgebrochen oder ist abgelaufen."
            : (err && err.message) || "Der Passkey konnte nicht verwendet werden.");
          button.disabled = false;
        });
      });
    }
  });
})();
