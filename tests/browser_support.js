// Page-side helpers of the browser tests (tests/browser_support.py adds this file to every page it opens).
// They read JupyterLab's own objects (window.jupyterapp, started with --expose-app-in-browser): completion and
// errors come from the notebook model, what a reader sees comes from the DOM.
window.courseTest = (() => {
  const app = () => window.jupyterapp;
  let opened = null; // the notebook panel the tests work on (not whatever widget happens to be current)
  const panel = () => opened;
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;
  const FIGURE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'];
  // Markdown syntax that should never reach the reader as text (code and typeset math excluded).
  const RAW_SYNTAX = [
    [/\*\*|__/, 'bold markers (** or __) shown as text'],
    [/`/, 'a backtick shown as text'],
    [/\$/, 'a $ shown as text (math that was not typeset)'],
    [/^\s*#{1,6}(\s|[^#\s])/, 'heading marks (#) shown as text'],
    [/\]\([^\s)]+\)|\]\[[^\]\s]*\]/, 'link syntax shown as text'],
    [/(^|\n)\s*\|.*\||\|\s*:?-{3,}/, 'table syntax shown as text'],
    [/\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac|\\mathrm/, 'LaTeX source shown as text'],
    [/&[a-z]+;|&#\d+;/, 'an HTML entity shown as text'],
    [/<\/?(br|b|i|em|strong|sub|sup|span|div|p|img|a|code)\b[^>]*>/i, 'an HTML tag shown as text'],
  ];
  const NOT_PROSE = 'code, pre, mjx-container, mjx-assistive-mml, .MathJax, script, style, svg, math';
  const NOT_TEXT = 'mjx-container, mjx-assistive-mml, .MathJax, script, style, svg, math';

  // Text of `el` a reader sees as prose: text nodes outside code, math and nested blocks.
  function proseText(el) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: n => {
        const parent = n.parentElement;
        if (parent.closest(NOT_PROSE)) return NodeFilter.FILTER_REJECT;
        const block = parent.closest('p, li, h1, h2, h3, h4, h5, h6, td, th, blockquote, dd, dt');
        return block === el ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      },
    });
    let text = '';
    while (walker.nextNode()) text += walker.currentNode.nodeValue;
    return text;
  }

  const directText = el =>
    [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.nodeValue).join('');

  async function openNotebook(path, kernelId) {
    app().shell.collapseLeft();
    app().shell.collapseRight();
    const kernel = kernelId ? {id: kernelId} : undefined;
    const widget = await app().commands.execute('docmanager:open', {path, factory: 'Notebook', kernel});
    if (!widget || !widget.context || widget.context.path !== path) throw new Error('notebook did not open: ' + path);
    opened = widget;
    app().shell.activateById(widget.id);
    await widget.context.ready;
    await widget.revealed;
    await Promise.all(widget.content.widgets.map(cell => cell.ready));
    return widget.content.widgets.length;
  }

  // Wait until every markdown cell is rendered, MathJax has stopped adding formulas and the images have loaded.
  async function settle(timeoutMs) {
    const widget = panel();
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let stable = 0;
    while (Date.now() < deadline) {
      const pending = widget.content.widgets.filter(c => {
        const body = c.model.type === 'markdown' && c.node.querySelector('.jp-RenderedMarkdown');
        return c.model.type === 'markdown' && !(body && body.childElementCount);
      }).length;
      const formulas = widget.node.querySelectorAll('mjx-container').length;
      const loading = [...widget.node.querySelectorAll('img')].filter(img => !img.complete).length;
      stable = pending === 0 && loading === 0 && formulas === last ? stable + 1 : 0;
      if (stable >= 2) return true;
      last = formulas;
      await sleep(200);
    }
    return false;
  }

  // Everything a reader would see wrong in the open notebook, one finding per problem with its cell index,
  // and the elements whose Hangul the Python side checks against Chromium's fonts (data-course-hangul marks).
  function inspect() {
    const widget = panel();
    const findings = [];
    const add = (cell, what, detail) =>
      findings.push({cell, what, detail: String(detail || '').replace(/\s+/g, ' ').trim().slice(0, 160)});
    const marks = [];
    const perCell = {};
    // Up to three elements per cell: a missing Korean font shows everywhere, so a sample is enough.
    const markHangul = (el, cell) => {
      const text = directText(el);
      if ((perCell[cell] || 0) < 3 && HANGUL.test(text) && !el.closest(NOT_TEXT)) {
        perCell[cell] = (perCell[cell] || 0) + 1;
        el.setAttribute('data-course-hangul', String(marks.length));
        marks.push({mark: marks.length, cell, text: text.slice(0, 400)});
      }
    };
    widget.content.widgets.forEach((cell, i) => {
      if (cell.model.type === 'markdown') {
        const body = cell.node.querySelector('.jp-RenderedMarkdown');
        if (!cell.rendered || !body) {
          add(i, 'markdown cell not rendered');
          return;
        }
        body.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, td, th, blockquote, dd, dt').forEach(el => {
          const text = proseText(el);
          const checked = text.replace(/__\w+?__/g, ''); // a Python dunder name (__init__) is not bold syntax
          for (const [pattern, what] of RAW_SYNTAX) if (pattern.test(checked)) add(i, what, text);
          if (el.tagName === 'P' && /\n\s*([-*+]|\d+[.)])\s+\S/.test(text)) {
            add(i, 'list items shown as one paragraph', text);
          }
        });
        body.querySelectorAll('*').forEach(el => markHangul(el, i));
        body.querySelectorAll('del, s, strike').forEach(el =>
          add(i, 'strikethrough (a pair of ~, e.g. "0~255 ... 1~2", is GFM strikethrough; write "0-255" or \\~)', el.textContent));
        body.querySelectorAll('em').forEach(el => {
          const before = el.previousSibling && el.previousSibling.nodeType === Node.TEXT_NODE ? el.previousSibling.nodeValue : '';
          const after = el.nextSibling && el.nextSibling.nodeType === Node.TEXT_NODE ? el.nextSibling.nodeValue : '';
          if (/[A-Za-z0-9]$/.test(before) && /^[A-Za-z0-9]/.test(after)) {
            add(i, 'italics inside a word (a pair of * or _ in code-like text)', `${before.slice(-20)}*${el.textContent}*${after.slice(0, 20)}`);
          }
        });
        body.querySelectorAll('mjx-merror, [data-mjx-error], .MathJax_Error, .katex-error').forEach(el =>
          add(i, 'LaTeX error', el.getAttribute('data-mjx-error') || el.getAttribute('title') || el.textContent));
        body.querySelectorAll('mjx-container [style*="color: red"], mjx-container [mathcolor="red"]').forEach(el =>
          add(i, 'LaTeX error (an unknown command, drawn in red)', el.closest('mjx-container').getAttribute('aria-label') || ''));
      } else if (cell.model.type === 'code') {
        const outputs = cell.model.outputs.toJSON();
        const figures = outputs.filter(o => o.data && FIGURE_TYPES.some(k => k in o.data)).length;
        const area = cell.node.querySelector('.jp-Cell-outputArea');
        const shown = area ? [...area.querySelectorAll('.jp-RenderedImage img, .jp-RenderedSVG svg, .jp-RenderedSVG img')] : [];
        const drawn = shown.filter(el => el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0)).length;
        if (figures && (cell.outputHidden || drawn < figures)) {
          add(i, 'stored figure not displayed', `${drawn} of ${figures} shown${cell.outputHidden ? ' (outputs collapsed)' : ''}`);
        }
        if (area) area.querySelectorAll('pre, pre *').forEach(el => markHangul(el, i));
      }
    });
    widget.node.querySelectorAll('img').forEach(img => {
      const cell = widget.content.widgets.findIndex(c => c.node.contains(img));
      const src = img.getAttribute('src') || '';
      if (/colab-badge\.svg/.test(src)) return; // the one image allowed to need the internet
      if (!(img.complete && img.naturalWidth > 0)) add(cell, 'broken image', src.slice(0, 120));
      else if (/^https?:/.test(src) && !src.startsWith(location.origin)) add(cell, 'image that needs the internet', src);
    });
    return {findings, marks};
  }

  // Watch the notebook for tqdm progress bars drawn as widgets (they come and go while cells run).
  function watchProgress() {
    const state = {bars: 0, widgetErrors: []};
    window.courseProgress = state;
    const observer = new MutationObserver(mutations => {
      for (const m of mutations) {
        for (const node of m.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          const bar = node.matches('.widget-hprogress') ? node : node.querySelector('.widget-hprogress');
          if (bar) {
            state.bars += 1;
            bar.scrollIntoView({block: 'center'});
          }
          if (/Error displaying widget/.test(node.textContent || '')) state.widgetErrors.push(node.textContent.slice(0, 200));
        }
      }
    });
    observer.observe(panel().content.node, {childList: true, subtree: true});
    return true;
  }

  // The run as the notebook model records it: which code cells have run, errors and stderr, the kernel status.
  function runState() {
    const widget = panel();
    const state = {total: 0, executed: 0, outputs: 0, errors: [], stderr: [], widgetOutputs: 0, text: ''};
    widget.content.widgets.forEach((cell, i) => {
      if (cell.model.type !== 'code') return;
      const outputs = cell.model.outputs.toJSON();
      state.outputs += outputs.length;
      if (!cell.model.sharedModel.getSource().trim()) return;
      state.total += 1;
      if (cell.model.executionCount !== null) state.executed += 1;
      for (const o of outputs) {
        if (o.output_type === 'error') state.errors.push({cell: i, text: `${o.ename}: ${o.evalue}`.slice(0, 300)});
        if (o.output_type === 'stream' && o.name === 'stderr') state.stderr.push({cell: i, text: String(o.text).slice(0, 300)});
        if (o.output_type === 'stream' && o.name === 'stdout') state.text += String(o.text);
        if (o.data && o.data['application/vnd.jupyter.widget-view+json']) state.widgetOutputs += 1;
      }
    });
    state.text = state.text.slice(0, 2000);
    const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
    state.kernel = kernel ? kernel.status : 'none';
    state.progress = window.courseProgress || {bars: 0, widgetErrors: []};
    return state;
  }

  // The kernel of the open notebook, once it has one.
  function kernelId() {
    const session = opened && opened.sessionContext.session;
    return session && session.kernel ? session.kernel.id : null;
  }

  // Close the notebook without saving it: its changes are dropped, the file is not touched.
  async function closeWithoutSaving() {
    if (!opened) return false;
    opened.context.model.dirty = false;
    opened.close();
    opened = null;
    return true;
  }

  return {openNotebook, settle, inspect, watchProgress, runState, kernelId, closeWithoutSaving, panel};
})();
