// The manual entry form: add and remove line rows, and show the imbalance as one types.
// Loaded as a static file (the CSP forbids inline scripts). Without it the form still
// works: "Add a line" and "Check the balance" are round trips to the server.
(function () {
  "use strict";

  // Amounts are summed in minor units (cents), never as floating-point money.
  function minorUnits(value, decimals) {
    const text = String(value || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (text === "") {
      return 0;
    }
    if (!/^\d*(\.\d*)?$/.test(text)) {
      return NaN;
    }
    const [units, fraction = ""] = text.split(".");
    if (fraction.length > decimals) {
      return NaN;
    }
    const padded = (fraction + "0".repeat(decimals)).slice(0, decimals);
    return Number(units || "0") * 10 ** decimals + Number(padded || "0");
  }

  function format(minor, decimals) {
    const sign = minor < 0 ? "-" : "";
    const abs = Math.abs(minor);
    const factor = 10 ** decimals;
    const units = Math.floor(abs / factor);
    const fraction = String(abs % factor).padStart(decimals, "0");
    return sign + units + (decimals > 0 ? "." + fraction : "");
  }

  function sum(form, selector, decimals) {
    let total = 0;
    let valid = true;
    form.querySelectorAll(selector).forEach((input) => {
      const amount = minorUnits(input.value, decimals);
      if (Number.isNaN(amount)) {
        valid = false;
      } else {
        total += amount;
      }
    });
    return { total, valid };
  }

  function update(form) {
    const decimals = Number(form.dataset.decimals || "2");
    const debit = sum(form, "tbody [data-debit]", decimals);
    const credit = sum(form, "tbody [data-credit]", decimals);
    const output = form.querySelector("[data-imbalance]");
    const totalDebit = form.querySelector("[data-total-debit]");
    const totalCredit = form.querySelector("[data-total-credit]");
    if (totalDebit) {
      totalDebit.textContent = debit.valid ? format(debit.total, decimals) : "?";
    }
    if (totalCredit) {
      totalCredit.textContent = credit.valid ? format(credit.total, decimals) : "?";
    }
    if (!output) {
      return;
    }
    if (!debit.valid || !credit.valid) {
      output.textContent = "?";
      output.dataset.state = "invalid";
      return;
    }
    const difference = debit.total - credit.total;
    if (difference === 0) {
      output.textContent = output.dataset.balanced;
      output.dataset.state = "balanced";
    } else {
      output.textContent = output.dataset.unbalanced.replace("%s", format(difference, decimals));
      output.dataset.state = "unbalanced";
    }
    output.classList.toggle("error", difference !== 0);
  }

  function revealRemoveButtons(root) {
    root.querySelectorAll("[data-remove-line]").forEach((button) => {
      button.hidden = false;
    });
  }

  function addRow(form) {
    const total = form.querySelector('input[name$="-TOTAL_FORMS"]');
    const template = form.querySelector("template[data-line-template]");
    const body = form.querySelector("tbody[data-lines]");
    if (!total || !template || !body) {
      return;
    }
    const index = Number(total.value);
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    revealRemoveButtons(body);
    const rows = body.querySelectorAll("tr[data-line]");
    const account = rows[rows.length - 1].querySelector("[data-account]");
    if (account) {
      account.focus();
    }
  }

  function setUp(form) {
    form.addEventListener("input", () => update(form));
    form.addEventListener("click", (event) => {
      const add = event.target.closest("[data-add-line]");
      if (add) {
        event.preventDefault();
        addRow(form);
        update(form);
        return;
      }
      const remove = event.target.closest("[data-remove-line]");
      if (remove) {
        event.preventDefault();
        // The row's index simply goes missing: the server skips rows it does not receive.
        remove.closest("tr").remove();
        update(form);
      }
    });
    revealRemoveButtons(form);
    update(form);
  }

  function start() {
    document.querySelectorAll("form[data-entry-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
