/*
 * EduBureau page behaviour. The Content-Security-Policy allows scripts from this site only
 * (no inline scripts, no inline event handlers, no eval), so every behaviour a template needs
 * is declared with data attributes and wired up here:
 *
 *   <meta name="csrf-token" content="{{ csrf_token }}">        CSRF header on every HTMX request
 *   <div class="chart" data-chart="ID" style="height:300px">    an ECharts chart whose options are
 *   {{ options|json_script:"ID" }}                                the JSON in <script id="ID">
 *   data-confirm="Really delete?"                               confirm() before submit / click
 *   <select data-autosubmit>                                    submit the form on change
 *   <form data-progress> … <div class="form-progress d-none">   show a progress bar while a slow POST runs
 *
 * ECharts (1 MB) is loaded on first use only, from the URL in this script tag's
 * data-echarts-src attribute, unless the page already loaded it.
 */
(function () {
  "use strict";

  var thisScript = document.currentScript;
  var echartsSrc = thisScript ? thisScript.getAttribute("data-echarts-src") : null;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* ---------- CSRF token on HTMX requests ---------- */

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  /* ---------- HTMX errors: a visible message instead of silence ---------- */

  function showError(text) {
    var box = document.getElementById("app-messages");
    if (!box || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.textContent = text;
    var close = document.createElement("a");
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "close");
    close.href = "#";
    alert.appendChild(body);
    alert.appendChild(close);
    box.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("app-messages");
    if (!box) {
      return;
    }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = (status === 403 && box.getAttribute("data-msg-forbidden")) || box.getAttribute("data-msg-error") || "Error";
    showError(text + (status ? " (HTTP " + status + ")" : ""));
  });

  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("app-messages");
    if (box) {
      showError(box.getAttribute("data-msg-offline"));
    }
  });

  /* ---------- ECharts ---------- */

  var echartsLoading = null;

  function loadEcharts() {
    if (window.echarts) {
      return Promise.resolve(window.echarts);
    }
    if (!echartsSrc) {
      return Promise.reject(new Error("ECharts is not loaded and app.js has no data-echarts-src"));
    }
    if (!echartsLoading) {
      echartsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = echartsSrc;
        script.onload = function () {
          resolve(window.echarts);
        };
        script.onerror = function () {
          echartsLoading = null;
          reject(new Error("could not load " + echartsSrc));
        };
        document.head.appendChild(script);
      });
    }
    return echartsLoading;
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function tablerPalette() {
    var names = ["primary", "green", "orange", "red", "purple", "cyan", "yellow", "pink", "teal", "indigo"];
    var colors = [];
    names.forEach(function (name) {
      var value = cssVar("--tblr-" + name);
      if (value) {
        colors.push(value);
      }
    });
    return colors.length ? colors : null;
  }

  function chartLocale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function readOptions(el) {
    var id = el.getAttribute("data-chart");
    var source = id ? document.getElementById(id) : null;
    if (!source) {
      console.error("chart: no element with id " + JSON.stringify(id), el);
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (err) {
      console.error("chart: the JSON in #" + id + " is not valid", err);
      return null;
    }
  }

  function drawCharts() {
    var pending = Array.prototype.filter.call(document.querySelectorAll(".chart[data-chart]"), function (el) {
      return !el.hasAttribute("data-chart-drawn");
    });
    if (!pending.length) {
      return;
    }
    loadEcharts().then(
      function (echarts) {
        var palette = tablerPalette();
        pending.forEach(function (el) {
          if (!el.isConnected || echarts.getInstanceByDom(el)) {
            return;
          }
          var options = readOptions(el);
          if (!options) {
            return;
          }
          if (palette && !options.color) {
            options.color = palette;
          }
          if (!options.textStyle) {
            options.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
          }
          if (window.matchMedia && window.matchMedia("print").matches) {
            options.animation = false; // drawn for the printer: no half-drawn frame on paper
          }
          var chart = echarts.init(el, null, { renderer: "canvas", locale: chartLocale() });
          chart.setOption(options);
          el.setAttribute("data-chart-drawn", "");
        });
      },
      function (err) {
        console.error("chart:", err);
      }
    );
  }

  function resizeCharts() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll(".chart[data-chart-drawn]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) {
        chart.resize();
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resizeCharts, 150);
  });
  // A chart drawn while hidden (an inactive tab, a collapsed panel) has no size until shown.
  ["shown.bs.tab", "shown.bs.collapse", "shown.bs.modal"].forEach(function (name) {
    document.addEventListener(name, resizeCharts);
  });

  // Printing (Ctrl+P): charts not yet drawn are drawn, every chart is redrawn at the width of the
  // printed page without animation (else the paper shows a half-drawn or cut chart), and the header
  // of the printed page says when it was printed. Back on screen, charts take the window's width again.
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function beforePrint() {
    var now = new Date();
    document.querySelectorAll("[data-print-time]").forEach(function (el) {
      el.textContent = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " +
        pad(now.getHours()) + ":" + pad(now.getMinutes());
    });
    drawCharts();
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll(".chart[data-chart-drawn]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) {
        chart.resize({ animation: { duration: 0 } });
      }
    });
  }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", resizeCharts);
  if (window.matchMedia) {
    var printMedia = window.matchMedia("print");
    var onPrintChange = function (event) {
      (event.matches ? beforePrint : resizeCharts)();
    };
    if (printMedia.addEventListener) {
      printMedia.addEventListener("change", onPrintChange);
    } else if (printMedia.addListener) {
      printMedia.addListener(onPrintChange);
    }
  }

  // Free the chart of an element HTMX removes.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var el = event.target;
    if (window.echarts && el.classList && el.classList.contains("chart")) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) {
        chart.dispose();
      }
    }
  });

  ready(drawCharts);
  document.addEventListener("htmx:afterSwap", drawCharts);
  document.addEventListener("htmx:oobAfterSwap", drawCharts);

  /* ---------- data-confirm ---------- */

  // Capture phase on document: runs before HTMX's and any other handler on the element.
  document.addEventListener(
    "click",
    function (event) {
      var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
      if (!el || el.tagName === "FORM") {
        return;
      }
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      } else if (el.form || el.closest("form")) {
        // Confirmed on the button: do not ask again on the form's submit.
        (el.form || el.closest("form")).setAttribute("data-confirmed", "");
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.hasAttribute || !form.hasAttribute("data-confirm")) {
        return;
      }
      if (form.hasAttribute("data-confirmed")) {
        form.removeAttribute("data-confirmed");
        return;
      }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  /* ---------- data-autosubmit ---------- */

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-autosubmit") || !el.form) {
      return;
    }
    if (typeof el.form.requestSubmit === "function") {
      el.form.requestSubmit(); // fires "submit", so data-confirm and HTMX still apply
    } else {
      el.form.submit();
    }
  });

  /* ---------- data-progress ---------- */

  // <form data-progress> with a hidden .form-progress inside: a plain (non-HTMX) form whose work takes
  // seconds shows its progress bar and disables its buttons once the submit really goes out.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-progress")) {
      return;
    }
    var bar = form.querySelector(".form-progress");
    if (bar) {
      bar.classList.remove("d-none");
    }
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
  });
})();
