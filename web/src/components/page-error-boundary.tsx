import { Component, type ReactNode } from 'react';

interface Props {
  /** The words for "this page failed", in the reader's language. */
  readonly title: string;
  readonly children: ReactNode;
}

/**
 * A page that throws while drawing shows what failed instead of a blank screen; the rest of the
 * console (the menu, the sign-out) stays usable. Keyed by the address, so another page starts clean.
 */
export class PageErrorBoundary extends Component<Props, { error: Error | undefined }> {
  override state = { error: undefined as Error | undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="problem">
        <p className="problem-title">{this.props.title}</p>
        <p>{this.state.error.message}</p>
      </div>
    );
  }
}
