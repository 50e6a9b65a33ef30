import type { ModalFuncProps } from 'antd';

type Confirm = (props: ModalFuncProps) => unknown;

/** A yes/no question through a `Modal.useModal()` confirm, as a promise. */
export function ask(confirm: Confirm, props: Omit<ModalFuncProps, 'onOk' | 'onCancel'>): Promise<boolean> {
  return new Promise((resolve) => {
    confirm({ ...props, onOk: () => resolve(true), onCancel: () => resolve(false) });
  });
}
