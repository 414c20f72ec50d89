// The CSP test page's own script (a file: the page's policy allows no inline script). Keeps
// every Content-Security-Policy violation the document reports, for the test to read.
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
