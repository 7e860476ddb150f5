/**
 * Render a page's WXML with miniprogram-simulate, driven by the page's own options (data and
 * handlers), so a test sees what the user sees.
 *
 * simulate renders components, not pages, and its template compiler can't parse Vant's WXML
 * (ES6 shorthand in wxs calls), and the official wcc compiler isn't usable here; so Vant tags are
 * replaced with small stand-ins that render their text properties and slot, and van-button emits
 * `click` on tap like the real one. Our own components (components/*) are rendered for real.
 */
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
const { ROOT, pageOptions } = require('./page');

let stubIds = null;

function vantStubs() {
  if (stubIds) return stubIds;
  const stub = (template, properties = {}, methods = {}) => simulate.load({ template, properties, methods });
  const text = { type: String, value: '' };
  stubIds = {
    'van-button': stub('<view class="van-button" bindtap="onTap"><slot/></view>', { type: text, icon: text }, {
      onTap() { this.triggerEvent('click'); },
    }),
    'van-cell': stub('<view class="van-cell"><view class="van-cell__title">{{title}}</view><view class="van-cell__label">{{label}}</view><view class="van-cell__value">{{value}}</view><slot/></view>',
      { title: text, label: text, value: text, icon: text }),
    'van-cell-group': stub('<view class="van-cell-group"><slot/></view>'),
    'van-empty': stub('<view class="van-empty" data-image="{{image}}">{{description}}<slot/></view>', { description: text, image: text }),
    'van-icon': stub('<view class="van-icon" data-name="{{name}}"></view>', { name: text, size: text, color: text }),
    'van-loading': stub('<view class="van-loading"><slot/></view>', { size: text }),
    'van-switch': stub('<view class="van-switch" data-checked="{{checked}}"></view>', { checked: { type: Boolean, value: false } }),
    'van-tag': stub('<view class="van-tag" data-type="{{type}}"><slot/></view>', { type: text }),
    'van-stepper': stub('<view class="van-stepper">{{value}}</view>', { value: { type: null, value: '' } }),
    'van-progress': stub('<view class="van-progress" data-percentage="{{percentage}}"></view>',
      { percentage: { type: Number, value: 0 }, color: text, showPivot: { type: Boolean, value: true } }),
    'van-radio-group': stub('<view class="van-radio-group" data-value="{{value}}"><slot/></view>', { value: text, direction: text }),
    'van-radio': stub('<view class="van-radio" data-name="{{name}}"><slot/></view>', { name: text }),
    'van-field': stub('<view class="van-field"><view class="van-field__label">{{label}}</view><view class="van-field__value">{{value}}</view><view class="van-field__error">{{errorMessage}}</view></view>',
      { label: text, value: text, errorMessage: text, placeholder: text, type: text }),
    'van-collapse': stub('<view class="van-collapse"><slot/></view>'),
    'van-collapse-item': stub('<view class="van-collapse-item"><view class="van-collapse-item__title">{{title}}</view><slot/></view>',
      { title: text, name: text }),
  };
  return stubIds;
}

let ownIds = null;

/**
 * Our own components (components/*), rendered for real: their WXML and options, with the Vant
 * stand-ins inside them. privacy-popup has no Vant inside and loads as the runtime would.
 */
function ownComponents() {
  if (ownIds) return ownIds;
  ownIds = {
    'privacy-popup': simulate.load(path.join(ROOT, 'components/privacy-popup/index'), { compiler: 'simulate' }),
  };
  fs.readdirSync(path.join(ROOT, 'components')).filter((name) => name !== 'privacy-popup').forEach((name) => {
    const base = path.join(ROOT, 'components', name, 'index');
    let options = null;
    global.Component = (opts) => { options = opts; };
    jest.isolateModules(() => { require(base); });
    ownIds[name] = simulate.load({
      ...options,
      template: fs.readFileSync(`${base}.wxml`, 'utf8'),
      usingComponents: vantStubs(),
    });
  });
  return ownIds;
}

/** Render `pagePath` (e.g. 'pages/index/index'); returns the simulate component, attached. */
function renderPage(pagePath) {
  const options = pageOptions(pagePath);
  const methods = {};
  Object.keys(options).forEach((key) => {
    if (typeof options[key] === 'function') methods[key] = options[key];
  });
  const id = simulate.load({
    template: fs.readFileSync(path.join(ROOT, `${pagePath}.wxml`), 'utf8'),
    usingComponents: { ...vantStubs(), ...ownComponents() },
    data: JSON.parse(JSON.stringify(options.data || {})),
    methods,
  });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/** Render a bit of WXML (with our components and the Vant stand-ins) over `data`, attached. */
function renderTemplate(template, data = {}, methods = {}) {
  const id = simulate.load({
    template,
    usingComponents: { ...vantStubs(), ...ownComponents() },
    data,
    methods,
  });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

module.exports = { renderPage, renderTemplate };
