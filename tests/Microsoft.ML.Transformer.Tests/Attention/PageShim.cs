namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>
/// Runs the attention page's own script under node with a minimal DOM written here (elements with children, text,
/// attributes, style, class names, event listeners, and class/tag selectors), then drives it like a reader: click a
/// query token, hide a head, switch the kind. Prints what it counted as one JSON line.
/// </summary>
internal static class PageShim
{
    public const string Script = """
        "use strict";
        const fs = require("fs");
        const vm = require("vm");
        const html = fs.readFileSync(process.argv[2], "utf8");
        const data = /<script type="application\/json" id="attention-data">([\s\S]*?)<\/script>/.exec(html)[1];
        const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(m => m[1]);
        if (scripts.length !== 1) throw new Error("expected one inline script, found " + scripts.length);

        class Element {
          constructor(tag) {
            this.tagName = tag.toUpperCase(); this.children = []; this.parentNode = null; this.attributes = {};
            this.style = {}; this.className = ""; this.listeners = {}; this.ownText = ""; this.value = ""; this.id = "";
          }
          appendChild(child) {
            if (child.parentNode) child.parentNode.removeChild(child);
            child.parentNode = this; this.children.push(child); return child;
          }
          removeChild(child) { this.children.splice(this.children.indexOf(child), 1); child.parentNode = null; return child; }
          get firstChild() { return this.children[0] || null; }
          get textContent() { return this.ownText + this.children.map(c => c.textContent).join(""); }
          set textContent(value) { this.children.forEach(c => c.parentNode = null); this.children = []; this.ownText = String(value); }
          setAttribute(name, value) { this.attributes[name] = String(value); if (name === "id") this.id = String(value); }
          getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
          addEventListener(type, listener) { (this.listeners[type] = this.listeners[type] || []).push(listener); }
          fire(type) { (this.listeners[type] || []).slice().forEach(l => l.call(this, { type: type, target: this })); }
          matches(selector) {   // "tag", ".a.b" or "tag.a.b"
            const [tag, ...classes] = selector.split(".");
            const mine = this.className.split(/\s+/);
            return (!tag || this.tagName === tag.toUpperCase()) && classes.every(c => mine.includes(c));
          }
          descendants() { return this.children.flatMap(c => [c, ...c.descendants()]); }
          querySelectorAll(selector) { return this.descendants().filter(e => e.matches(selector)); }
          querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
        }

        const body = new Element("body");
        const app = body.appendChild(new Element("div")); app.setAttribute("id", "app");
        const json = body.appendChild(new Element("script")); json.setAttribute("id", "attention-data"); json.textContent = data;
        const document = {
          body: body,
          createElement: tag => new Element(tag),
          getElementById: id => [body, ...body.descendants()].find(e => e.id === id) || null,
          querySelectorAll: s => body.querySelectorAll(s),
          querySelector: s => body.querySelector(s),
        };
        vm.runInNewContext(scripts[0], { document: document, console: console });

        const all = s => document.querySelectorAll(s);
        const count = () => ({
          headToggles: all(".head-toggle").length, queries: all(".token.query").length, keys: all(".token.key").length,
          lines: all(".attn-line").length, matrices: all(".matrix").length, cells: all(".cell").length,
          kindOptions: document.querySelector(".kind-select") ? document.querySelector(".kind-select").children.length : 0,
          layerOptions: document.querySelector(".layer-select").children.length,
        });
        const opacities = () => all(".attn-line").map(l => Number(l.style.opacity));
        const result = { initial: count() };
        all(".token.query")[1].fire("click");
        result.clicked = count();
        result.selected = all(".token.query").findIndex(e => e.matches(".selected"));
        result.clickedOpacities = opacities();
        all(".head-toggle")[0].fire("click");
        result.oneHeadHidden = count();
        result.oneHeadHiddenOpacities = opacities();
        const kinds = document.querySelector(".kind-select");
        if (kinds) {
          kinds.value = String(kinds.children.length - 1);
          kinds.fire("change");
          result.lastKind = count();
        }
        result.title = document.querySelector(".input-text").textContent;
        console.log(JSON.stringify(result));
        """;
}
