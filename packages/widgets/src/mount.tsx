// Mounting for hosts that are not Preact (React, Vue, plain HTML): every widget renders in a Shadow DOM root.
import { render, type ComponentChildren } from 'preact'
import type { Nudge } from '@nudgekit/sdk'
import { adoptStyles } from './adopt-styles.ts'
import type { Theme, WidgetConfig } from './config.ts'
import { DEV, warnOnce, widgetError } from './errors.ts'
import { FeatureGate } from './feature-gate.tsx'
import { NudgeHost } from './nudge-host.tsx'
import { NudgeRoot } from './root.tsx'
import { UsageMeter, type UsageMeterProps } from './usage-meter.tsx'

export interface MountOptions extends WidgetConfig {
  /** Default `system`. */
  theme?: Theme
  /** Nonce for the `<style>` fallback where constructable stylesheets are unsupported (CSP `'nonce-…'`). */
  nonce?: string
}

export interface PageMountOptions extends MountOptions {
  /**
   * The element whose start receives the widgets' host: the banner sits there in the page flow (so it
   * covers nothing); modal and toast are fixed to the viewport. Default `document.body`; app shells with a
   * full-height layout pass an element inside it, above their content.
   */
  target?: Element
}

/**
 * Per gated element: the shadow root this module attached (it cannot be removed, so later gates reuse it)
 * and the container of the gate currently mounted there.
 */
const gates = new WeakMap<Element, { root: ShadowRoot; container?: HTMLElement }>()

/**
 * Throws a WidgetError for the first mistake in a mount function's arguments: no DOM (a server render), no
 * client, options that are not an object, no element at `path`, an empty `name` id.
 */
function check(action: string, nudge: Nudge, options: object, element: unknown, path: string, name?: string, value?: string): asserts element is Element {
  if (typeof document === 'undefined') {
    throw widgetError(action, 'document', 'there is no DOM here', DEV ? 'Call it in the browser (e.g. in useEffect or onMounted), not during server-side rendering' : '', 'no_dom')
  }
  if (typeof nudge?.$prompts?.subscribe !== 'function') {
    throw widgetError(action, 'nudge', 'the nudge argument is not a nudgekit client', DEV ? 'Pass the object createNudge() returned' : '')
  }
  if (typeof options !== 'object' || !options) {
    throw widgetError(action, 'options', 'options is not an object', DEV ? "Pass an object such as { theme: 'dark' }, or nothing" : '')
  }
  if (!(element instanceof Element)) {
    throw widgetError(
      action,
      path,
      `${path} is not a DOM element`,
      DEV ? `Pass an element that is in the page, e.g. document.querySelector(…) once it has rendered${path === 'element' ? '' : ', or omit target to use document.body'}` : '',
    )
  }
  if (name && (typeof value !== 'string' || !value)) {
    throw widgetError(action, name, `the ${name} must be a non-empty string`, DEV ? `Pass the ${name} id from your rules file` : '')
  }
}

function renderIn(root: ShadowRoot, children: ComponentChildren, { nonce, ...config }: MountOptions): HTMLElement {
  if (process.env.NODE_ENV !== 'production' && config.theme !== undefined && !['light', 'dark', 'system'].includes(config.theme)) {
    warnOnce('apply the theme', `options.theme ${JSON.stringify(config.theme)} is not 'light', 'dark' or 'system', so the light theme shows`, "Pass one of them, and your colours as --nudgekit-* CSS properties")
  }
  adoptStyles(root, nonce)
  const container = document.createElement('div')
  root.append(container)
  render(<NudgeRoot {...config}>{children}</NudgeRoot>, container)
  return container
}

function attachHost(parent: Element, at: 'prepend' | 'append'): ShadowRoot {
  const host = document.createElement('div')
  host.setAttribute('data-nudgekit', '')
  parent[at](host)
  return host.attachShadow({ mode: 'open' })
}

function unmountHost(container: HTMLElement): () => void {
  return () => {
    render(null, container)
    ;(container.getRootNode() as ShadowRoot).host.remove()
  }
}

/**
 * Renders the banner, modal and toast placements into a Shadow DOM root at the start of `target`.
 * Returns `unmount()`.
 * @example
 * const unmount = mount(nudge, { theme: 'system', onCta: (prompt) => openCheckout(prompt.target?.id) })
 * // React: useEffect(() => mount(nudge, { onCta }), [nudge])
 */
export function mount(nudge: Nudge, options: PageMountOptions = {}): () => void {
  // `?? {}` and `globalThis`: null options and server renders reach the check's WidgetError, not a TypeError.
  const { target = globalThis.document?.body, ...rest } = options ?? {}
  check('mount the widgets', nudge, options, target, 'options.target')
  const container = renderIn(
    attachHost(target, 'prepend'),
    (['banner', 'modal', 'toast'] as const).map((placement) => <NudgeHost key={placement} nudge={nudge} placement={placement} />),
    rest,
  )
  return unmountHost(container)
}

function gateOf(element: Element, action: string): { root: ShadowRoot; container?: HTMLElement } {
  const existing = gates.get(element)
  if (existing) return existing
  if (element.shadowRoot) {
    throw widgetError(action, 'element', 'the element already has a shadow root', DEV ? 'Wrap the gated content in a plain <div> and pass that' : '', 'shadow_root_taken')
  }
  let root: ShadowRoot
  try {
    root = element.attachShadow({ mode: 'open' })
  } catch {
    throw widgetError(action, 'element', `a <${element.localName}> cannot hold a shadow root`, DEV ? 'Pass a <div>, <section>, <span> or a custom element' : '')
  }
  const gate = { root }
  gates.set(element, gate)
  return gate
}

/**
 * Gates the content of `element` on `feature`: the element gets a shadow root that shows its own children
 * when the plan includes the feature and a locked-feature card instead when it does not. Until the rules
 * are loaded the gate allows, so the children show; children with `slot="pending"`, if any, show instead
 * of them meanwhile (and are hidden once the rules are in). `unmount()` shows the element's children again.
 * @example
 * const unmount = mountGate(document.querySelector('#segments'), nudge, 'segmentation')
 */
export function mountGate(element: Element, nudge: Nudge, feature: string, options: MountOptions = {}): () => void {
  const action = 'mount the feature gate'
  check(action, nudge, options, element, 'element', 'feature', feature)
  const gate = gateOf(element, action)
  // A gate mounted again without unmounting first replaces the previous one (and its subscriptions).
  if (gate.container) render(null, gate.container)
  gate.root.replaceChildren()
  const container = renderIn(
    gate.root,
    // The named slot's fallback is the default slot: without pending children, the content shows.
    <FeatureGate nudge={nudge} feature={feature} pending={<slot name="pending"><slot /></slot>}>
      <slot />
    </FeatureGate>,
    options,
  )
  gate.container = container
  return () => {
    if (gate.container !== container) return
    render(null, container)
    gate.container = undefined
    // The shadow root cannot be removed; a bare slot lets the element's own children show again.
    gate.root.replaceChildren(document.createElement('slot'))
  }
}

/**
 * `mountMeter`'s options: the mount options plus the meter's thresholds, as on `<UsageMeter>`.
 * @example mountMeter(element, nudge, 'contacts', { warnAt: 90, criticalAt: 100 })
 */
export interface MeterMountOptions extends MountOptions, Pick<UsageMeterProps, 'warnAt' | 'criticalAt'> {}

/**
 * Appends a usage meter for `metric` (in a shadow root) to `element`. Returns `unmount()`.
 * @example
 * const unmount = mountMeter(document.querySelector('#contacts-usage'), nudge, 'contacts', { locale: 'de-DE', warnAt: 90 })
 */
export function mountMeter(element: Element, nudge: Nudge, metric: string, options: MeterMountOptions = {}): () => void {
  check('mount the usage meter', nudge, options, element, 'element', 'metric', metric)
  const { warnAt, criticalAt, ...rest } = options
  return unmountHost(renderIn(attachHost(element, 'append'), <UsageMeter nudge={nudge} metric={metric} warnAt={warnAt} criticalAt={criticalAt} />, rest))
}
