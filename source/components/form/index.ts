/** Form widgets shared by the screens: each takes `isFocused` and reads keys only then. */
export {ActionRow, CheckboxList, Choice, type Option} from './options.js';
export {BusyLine} from './busy-line.js';
export {Button} from './button.js';
export {FieldLabel, labelColumns} from './field-label.js';
export {InlineMessage, inlineMessageLines, type Tone} from './inline-message.js';
export {type FormKeyHandlers, handleFormKey, isCtrl, isHelpKey, isNextKey, isPreviousKey, typedText} from './keys.js';
export {editText, visibleWindow, type EditState} from './text-edit.js';
export {TextField} from './text-field.js';
export {Toggle} from './toggle.js';
export {useMachine} from './use-machine.js';
