/**
 * Placeholder for `@nocobase/flow-engine` types: the host provides the module at
 * run time; the plugin's v2 block models declare what they use here when added.
 */
export declare class FlowModel {
  uid: string;
}
